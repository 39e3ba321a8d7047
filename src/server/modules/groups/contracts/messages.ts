import { z } from "zod";
import { operation, storedFileAnswer } from "../../../../shared/contract.js";
import { requiredText, uuidField } from "../../../../shared/fields.js";
import { groupPerson, handleParam, tag } from "./groups.js";

export const messageStatuses = ["published", "pending", "rejected"] as const;
export type MessageStatus = (typeof messageStatuses)[number];
/** Where a message came from: the page, a mail to the group, or an import of the group's archive. */
export const messageSources = ["web", "email", "import"] as const;
export type MessageSource = (typeof messageSources)[number];

// --- input ---

export const topicParams = handleParam.extend({ topicId: uuidField });
export const messageParams = handleParam.extend({ messageId: uuidField });
export const bodyField = requiredText("Write the message.", 50_000);
export const replyInput = z.object({ body: bodyField });
export type ReplyFields = z.output<typeof replyInput>;

// --- output ---

export const groupAttachment = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
});
export type GroupAttachment = z.infer<typeof groupAttachment>;
export const groupMessage = z.object({
  id: z.string(),
  topicId: z.string(),
  author: groupPerson,
  body: z.string(),
  bodyHtml: z.string(),
  status: z.enum(messageStatuses),
  source: z.enum(messageSources),
  rejectionReason: z.string().nullable(),
  hashtags: z.array(z.string()),
  attachments: z.array(groupAttachment),
  createdAt: z.string(),
});
export type GroupMessage = z.infer<typeof groupMessage>;
/** A message shown outside its topic (the queue, a hashtag), with the subject of its topic. */
export const taggedMessage = groupMessage.extend({ topicSubject: z.string() });
export type TaggedMessage = z.infer<typeof taggedMessage>;
export const posted = z.object({ message: groupMessage, status: z.enum(["published", "pending"]) });
export type Posted = z.infer<typeof posted>;

// --- operations ---

export const replyToGroupTopic = operation({
  operationId: "replyToGroupTopic",
  summary: "Reply in a topic, as JSON or as a multipart form with files",
  method: "POST",
  path: "/api/groups/:handle/topics/:topicId/messages",
  access: "member",
  tag,
  params: topicParams,
  body: replyInput,
  form: true,
  response: posted,
  status: 201,
  errors: ["gone"],
});

export const getGroupAttachment = operation({
  operationId: "getGroupAttachment",
  summary: "Download a file attached to a message",
  method: "GET",
  path: "/api/groups/:handle/messages/:messageId/attachments/:fileId",
  access: "member",
  tag,
  params: messageParams.extend({ fileId: uuidField }),
  response: storedFileAnswer("The file as it was attached."),
});

export const listGroupHashtagMessages = operation({
  operationId: "listGroupHashtagMessages",
  summary: "Messages of a group with a hashtag",
  method: "GET",
  path: "/api/groups/:handle/hashtags/:tag",
  access: "member",
  tag,
  params: handleParam.extend({
    tag: z.string().min(1, "Name a hashtag.").max(51, "Not a valid hashtag."),
  }),
  response: z.object({ messages: z.array(taggedMessage) }),
});
