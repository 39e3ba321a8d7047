import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { deliveryModes, tag } from "./groups.js";

// --- input ---

const tokenQuery = z.object({
  token: z
    .string({ error: "The link has no token; open it again from the e-mail." })
    .max(200, "Not a valid link."),
});
/** What RFC 8058 mail providers POST; a person's browser posts the same from the confirmation page. */
const oneClickBody = z.object({ "List-Unsubscribe": z.literal("One-Click").optional() }).nullish();

// --- output ---

export const unsubscribeView = z.object({
  group: z.object({ handle: z.string(), name: z.string() }),
  delivery: z.enum(deliveryModes),
});
export type UnsubscribeView = z.infer<typeof unsubscribeView>;

// --- operations ---

export const describeGroupUnsubscribe = operation({
  operationId: "describeGroupUnsubscribe",
  summary: "What a one-click unsubscribe link would change (no sign-in; the token is signed)",
  description:
    "A browser asking for text/html gets a confirmation page with the button that unsubscribes; " +
    "link checkers and previews follow GETs, so this changes nothing.",
  method: "GET",
  path: "/api/groups/unsubscribe",
  access: "public",
  tag,
  query: tokenQuery,
  response: unsubscribeView,
  errors: ["not_found"],
});

export const unsubscribeFromGroup = operation({
  operationId: "unsubscribeFromGroup",
  summary: "One-click unsubscribe (RFC 8058): sets the member's delivery to none",
  description:
    "Takes the form body mail providers send. A browser asking for text/html gets a page saying it is done.",
  method: "POST",
  path: "/api/groups/unsubscribe",
  access: "public",
  tag,
  query: tokenQuery,
  body: oneClickBody,
  response: unsubscribeView,
  errors: ["not_found"],
  // Mail providers post from their own servers, with neither a session nor our CSRF header.
  csrf: false,
});
