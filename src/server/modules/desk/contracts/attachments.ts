import { z } from "zod";
import { operation, storedFileAnswer } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";

const tag = "desk";

export const attachment = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof attachment>;

export const uploadTicketAttachment = operation({
  operationId: "uploadTicketAttachment",
  summary: "Attach a file to a ticket",
  description: "Send the file as multipart/form-data in the field named `file`.",
  method: "POST",
  path: "/api/desk/tickets/:id/attachments",
  access: "member",
  tag,
  params: idParam,
  body: "multipart",
  response: attachment,
  status: 201,
});

export const downloadTicketAttachment = operation({
  operationId: "downloadTicketAttachment",
  summary: "Download a ticket's attachment",
  method: "GET",
  path: "/api/desk/attachments/:id",
  access: "member",
  tag,
  params: idParam,
  response: storedFileAnswer(
    "The file with its own content type; images inline, anything else as an attachment.",
  ),
});
