import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, optionalText } from "../../../../shared/fields.js";
import { ratings, satisfaction } from "./rating.js";
import { ticket } from "./tickets.js";

export { type Rating, ratings, type Satisfaction } from "./rating.js";

const tag = "desk";

// --- input ---

export const ratingInput = z.object({
  rating: z.enum(ratings, { error: "Choose good or bad." }),
  comment: optionalText(5000),
});
export type RatingInput = z.output<typeof ratingInput>;

const tokenQuery = z.object({
  token: z
    .string({ error: "The link has no token; open it again from the e-mail." })
    .max(200, "Not a valid link."),
  /** The choice the e-mail's link carries; the confirmation page starts with it selected. */
  rating: z.enum(ratings, { error: "Choose good or bad." }).optional(),
});

// --- output ---

export const ratingView = z.object({
  ticket: z.object({ number: z.number(), subject: z.string() }),
  satisfaction: satisfaction.nullable(),
});
export type RatingView = z.infer<typeof ratingView>;

// --- operations ---

export const rateTicket = operation({
  operationId: "rateTicket",
  summary: "The requester rates a resolved ticket (again, to change it)",
  method: "PUT",
  path: "/api/desk/tickets/:id/rating",
  access: "member",
  tag,
  params: idParam,
  body: ratingInput,
  response: ticket,
  errors: ["conflict"],
});

export const describeRatingLink = operation({
  operationId: "describeDeskRatingLink",
  summary: "What a rating link from the resolution e-mail rates (no sign-in; the token is signed)",
  description:
    "A browser asking for text/html gets a page with the choice and a comment box whose button rates; " +
    "mail scanners and previews follow GETs, so this records nothing.",
  method: "GET",
  path: "/api/desk/ratings",
  access: "public",
  tag,
  query: tokenQuery,
  response: ratingView,
  errors: ["not_found"],
});

export const rateByLink = operation({
  operationId: "rateTicketByLink",
  summary: "Rate a resolved ticket from the resolution e-mail's link, without signing in",
  description:
    "Takes JSON or the confirmation page's form. A browser asking for text/html gets a thank-you page.",
  method: "POST",
  path: "/api/desk/ratings",
  access: "public",
  tag,
  query: tokenQuery,
  body: ratingInput,
  response: ratingView,
  errors: ["not_found", "conflict"],
  // The confirmation page is served outside the web app, so it sends no CSRF header; the signed
  // token is what authorises the rating.
  csrf: false,
});
