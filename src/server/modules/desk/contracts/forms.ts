import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, optionalText, requiredText } from "../../../../shared/fields.js";
import { formFieldKinds } from "./field-values.js";
import { ticketTypes } from "./tickets.js";

export { type FormFieldKind, formFieldKinds, type TicketFieldValue } from "./field-values.js";

const tag = "desk";

const typeParam = z.object({ type: z.enum(ticketTypes, { error: "Not a ticket type." }) });

// --- input ---

export const formFieldInput = z.object({
  /** The field's name in `fields` of a new ticket (and in the error naming it): `studyId`, `steps`. */
  key: z
    .string({ error: "Give the field a key." })
    .trim()
    .regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/, "Use letters and digits, starting with a letter (e.g. studyId)."),
  label: requiredText("Label the field.", 120),
  help: optionalText(300),
  kind: z.enum(formFieldKinds, { error: `Choose one of: ${formFieldKinds.join(", ")}.` }),
  /** The choices of a `choice` field, in order; other kinds have none. */
  options: z.array(z.string().trim().min(1, "An option cannot be blank.").max(120)).max(50).default([]),
  required: z.boolean().default(false),
  position: z.number().int().min(0).max(1000).default(0),
});
export type FormFieldInput = z.output<typeof formFieldInput>;

// --- output ---

export const formField = z.object({
  id: z.string(),
  ticketType: z.enum(ticketTypes),
  key: z.string(),
  label: z.string(),
  help: z.string(),
  kind: z.enum(formFieldKinds),
  options: z.array(z.string()),
  required: z.boolean(),
  position: z.number(),
});
export type FormField = z.infer<typeof formField>;

const studyOption = z.object({ id: z.string(), label: z.string() });

// --- operations ---

export const getTicketForm = operation({
  operationId: "getDeskTicketForm",
  summary: "The custom fields of a ticket type, with the studies the caller may choose",
  method: "GET",
  path: "/api/desk/forms/:type",
  access: "member",
  tag,
  params: typeParam,
  response: z.object({ fields: z.array(formField), studies: z.array(studyOption) }),
});

export const addFormField = operation({
  operationId: "addDeskFormField",
  summary: "Add a custom field to a ticket type's form",
  method: "POST",
  path: "/api/desk/forms/:type/fields",
  access: "staff",
  tag,
  params: typeParam,
  body: formFieldInput,
  response: formField,
  status: 201,
});

export const updateFormField = operation({
  operationId: "updateDeskFormField",
  summary: "Change a custom field",
  method: "PUT",
  path: "/api/desk/form-fields/:id",
  access: "staff",
  tag,
  params: idParam,
  body: formFieldInput,
  response: formField,
});

export const removeFormField = operation({
  operationId: "removeDeskFormField",
  summary: "Remove a custom field (tickets keep the values they were opened with)",
  method: "DELETE",
  path: "/api/desk/form-fields/:id",
  access: "staff",
  tag,
  params: idParam,
});
