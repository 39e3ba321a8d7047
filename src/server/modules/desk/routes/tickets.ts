import type { Route } from "../../../platform/routes.js";
import { listActiveStaff } from "../../accounts/index.js";
import * as contract from "../contracts/tickets.js";
import { listTickets, openTicket, updateTicket, viewTicket } from "../tickets.js";

export function ticketRoutes(route: Route): void {
  route(contract.listTickets, async ({ ctx, query }) => ({ tickets: await listTickets(ctx, query) }));
  route(contract.openTicket, ({ ctx, body }) => openTicket(ctx, body));
  route(contract.getTicket, ({ ctx, params }) => viewTicket(ctx, params.id));
  route(contract.updateTicket, ({ ctx, params, body }) => updateTicket(ctx, params.id, body));
  route(contract.listDeskStaff, async ({ ctx }) => ({
    users: (await listActiveStaff(ctx.db)).map(({ id, name }) => ({ id, name })),
  }));
}
