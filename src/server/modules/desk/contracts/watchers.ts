import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { ticket } from "./tickets.js";

const tag = "desk";

export const watchTicket = operation({
  operationId: "watchTicket",
  summary: "Hear about a ticket's public changes",
  method: "POST",
  path: "/api/desk/tickets/:id/watch",
  access: "member",
  tag,
  params: idParam,
  response: ticket,
});

export const unwatchTicket = operation({
  operationId: "unwatchTicket",
  summary: "Stop hearing about a ticket",
  method: "DELETE",
  path: "/api/desk/tickets/:id/watch",
  access: "member",
  tag,
  params: idParam,
  response: ticket,
});
