import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { channelKinds, person } from "./channels.js";
import { message } from "./messages.js";

const tag = "chat";

export const searchResult = z.object({
  message,
  channel: z.object({
    id: z.string(),
    name: z.string(),
    slug: z.string().nullable(),
    kind: z.enum(channelKinds),
  }),
});
export type SearchResult = z.infer<typeof searchResult>;
export const personWithEmail = person.extend({ email: z.string() });
export type PersonWithEmail = z.infer<typeof personWithEmail>;

export const searchMessages = operation({
  operationId: "searchChatMessages",
  summary: "Search the messages the caller may read",
  description:
    "Words, plus filters such as `in:#general`, `from:@someone@example.org`, `before:` and `after:` dates.",
  method: "GET",
  path: "/api/chat/search",
  access: "member",
  tag,
  query: z.object({ q: z.string().trim().min(1, "Type something to look for.").max(500) }),
  response: z.object({ results: z.array(searchResult) }),
});

export const searchPeople = operation({
  operationId: "searchChatPeople",
  summary: "Active members by name or e-mail, for mentions and direct messages",
  method: "GET",
  path: "/api/chat/people",
  access: "member",
  tag,
  query: z.object({ q: z.string().trim().max(200).default("") }),
  response: z.object({ people: z.array(personWithEmail) }),
});

export const getPresence = operation({
  operationId: "getChatPresence",
  summary: "Who is online now",
  method: "GET",
  path: "/api/chat/presence",
  access: "member",
  tag,
  response: z.object({ online: z.array(z.string()) }),
});
