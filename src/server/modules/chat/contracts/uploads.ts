import { z } from "zod";
import { operation, storedFileAnswer } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";

const tag = "chat";

export const upload = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  isImage: z.boolean(),
});
export type Upload = z.infer<typeof upload>;

export const uploadFile = operation({
  operationId: "uploadChatFile",
  summary: "Upload a file to attach to the next message",
  method: "POST",
  path: "/api/chat/uploads",
  access: "member",
  tag,
  body: "multipart",
  response: upload,
  status: 201,
});

export const getAttachment = operation({
  operationId: "getChatAttachment",
  summary: "Download a message's attached file",
  method: "GET",
  path: "/api/chat/attachments/:id",
  access: "member",
  tag,
  params: idParam,
  response: storedFileAnswer("The attached file."),
});
