import { listMail } from "../../../shared/contracts/platform.js";
import type { Route } from "../routes.js";
import { listOutboxMessages } from "./service.js";

export function mailRoutes(route: Route): void {
  route(listMail, async ({ ctx, query }) => ({ messages: await listOutboxMessages(ctx.db, query) }));
}
