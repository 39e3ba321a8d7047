import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, requiredText, uuidField } from "../../../../shared/fields.js";
import { ticket, ticketStatuses } from "./tickets.js";

const tag = "desk";

/** The placeholders a macro's body may use, each filled from the ticket it is applied to. */
export const macroPlaceholders = [
  "requester.name",
  "requester.firstName",
  "ticket.number",
  "ticket.subject",
  "agent.name",
  "agent.firstName",
] as const;
export type MacroPlaceholder = (typeof macroPlaceholders)[number];

// --- input ---

/** "me" is whoever applies the macro, "none" leaves the ticket unassigned, an id names a staff member. */
const assigneeChoice = z
  .string({ error: "Use me, none or a member of the product team." })
  .regex(/^(me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    error: "Use me, none or a member of the product team.",
  });

export const macroInput = z.object({
  name: requiredText("Name the macro.", 120),
  body: requiredText("Write the reply the macro sends.", 20_000),
  status: z.enum(ticketStatuses, { error: `Choose one of: ${ticketStatuses.join(", ")}.` }).nullable(),
  assignee: assigneeChoice.nullable(),
});
export type MacroInput = z.output<typeof macroInput>;

export const macroReplyInput = z.object({
  macroId: uuidField,
  /** The reply as the sender left it after the macro filled it in. */
  body: requiredText("Write a reply.", 50_000),
});
export type MacroReplyInput = z.output<typeof macroReplyInput>;

// --- output ---

export const macro = z.object({
  id: z.string(),
  name: z.string(),
  body: z.string(),
  status: z.enum(ticketStatuses).nullable(),
  assignee: z.string().nullable(),
  updatedAt: z.string(),
});
export type Macro = z.infer<typeof macro>;

// --- operations ---

export const listMacros = operation({
  operationId: "listDeskMacros",
  summary: "The product team's canned replies and macros, by name",
  method: "GET",
  path: "/api/desk/macros",
  access: "staff",
  tag,
  response: z.object({ macros: z.array(macro) }),
});

export const createMacro = operation({
  operationId: "createDeskMacro",
  summary: "Add a canned reply with optional status and assignee changes",
  method: "POST",
  path: "/api/desk/macros",
  access: "staff",
  tag,
  body: macroInput,
  response: macro,
  status: 201,
});

export const updateMacro = operation({
  operationId: "updateDeskMacro",
  summary: "Change a macro",
  method: "PUT",
  path: "/api/desk/macros/:id",
  access: "staff",
  tag,
  params: idParam,
  body: macroInput,
  response: macro,
});

export const deleteMacro = operation({
  operationId: "deleteDeskMacro",
  summary: "Remove a macro",
  method: "DELETE",
  path: "/api/desk/macros/:id",
  access: "staff",
  tag,
  params: idParam,
});

export const replyWithMacro = operation({
  operationId: "replyWithDeskMacro",
  summary: "Send a macro's reply and apply its status and assignee changes in one step",
  method: "POST",
  path: "/api/desk/tickets/:id/macro-replies",
  access: "staff",
  tag,
  params: idParam,
  body: macroReplyInput,
  response: ticket,
  status: 201,
});
