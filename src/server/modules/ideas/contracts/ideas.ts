import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam, requiredText, uuidField } from "../../../../shared/fields.js";

const tag = "ideas";

/** The product's areas an idea is about. */
export const ideaModules = [
  "chat",
  "releases",
  "desk",
  "projects",
  "groups",
  "sandbox",
  "pharmacy",
  "other",
] as const;
export type IdeaModule = (typeof ideaModules)[number];
export const ideaModuleLabels: Record<IdeaModule, string> = {
  chat: "Chat",
  releases: "Releases",
  desk: "Service desk",
  projects: "Projects",
  groups: "Groups",
  sandbox: "Development environment",
  pharmacy: "Pharmacy",
  other: "Other",
};

/** Where an idea stands; a new idea is under review until the product team decides. */
export const ideaStatuses = ["under_review", "planned", "in_preview", "released", "declined"] as const;
export type IdeaStatus = (typeof ideaStatuses)[number];
export const ideaStatusLabels: Record<IdeaStatus, string> = {
  under_review: "Under review",
  planned: "Planned",
  in_preview: "In preview",
  released: "Released",
  declined: "Declined",
};
/** The roadmap's columns, in order: a declined idea is not on it. */
export const roadmapStatuses = [
  "under_review",
  "planned",
  "in_preview",
  "released",
] as const satisfies readonly IdeaStatus[];

/** An idea changed (new, voted, commented, its status, merged, a ticket linked): open pages fetch it again. */
export const ideaChanged = defineEvent<{ ideaId: string }>("ideas.idea");

// --- input ---

export const ideaInput = z.object({
  title: requiredText("Give the idea a title.", 200),
  problem: requiredText("Describe the problem the idea solves.", 20_000),
  module: z.enum(ideaModules, { error: "Choose the product area the idea is about." }),
});
export type IdeaInput = z.output<typeof ideaInput>;

export const commentInput = z.object({ body: requiredText("Write a comment.", 10_000) });
export type CommentInput = z.output<typeof commentInput>;

/**
 * A status and what it links: "in preview" names a sandbox feature flag (by key) and a feedback round,
 * "released" a release, "declined" a reason. Links of other statuses are refused rather than ignored.
 */
export const statusInput = z.object({
  status: z.enum(ideaStatuses, { error: "Choose a status." }),
  declineReason: z.string().trim().max(2000, "Use at most 2000 characters.").optional(),
  flagKey: z.string().trim().min(1, "Choose a feature flag.").max(80).optional(),
  feedbackRoundId: uuidField.optional(),
  releaseId: uuidField.optional(),
});
export type StatusInput = z.output<typeof statusInput>;

export const mergeInput = z.object({ targetId: uuidField });
export const ticketLinkInput = z.object({
  ticketNumber: z.coerce
    .number({ error: "Enter the ticket's number." })
    .int("Enter the ticket's number.")
    .positive("Enter the ticket's number."),
});

export const messageLinkInput = z.object({ messageId: uuidField });

export const ideaListQuery = z.object({
  status: z.enum(ideaStatuses).optional(),
  module: z.enum(ideaModules).optional(),
  sort: z.enum(["votes", "newest"]).optional(),
});
export type IdeaListQuery = z.output<typeof ideaListQuery>;

// --- output ---

const person = z.object({ id: z.string(), name: z.string() });

export const ideaSummary = z.object({
  id: z.string(),
  title: z.string(),
  module: z.enum(ideaModules),
  status: z.enum(ideaStatuses),
  votes: z.number().int(),
  comments: z.number().int(),
  /** Whether the person asking has voted for it. */
  voted: z.boolean(),
  mergedInto: z.object({ id: z.string(), title: z.string() }).nullable(),
  author: person,
  createdAt: z.string(),
});
export type IdeaSummary = z.infer<typeof ideaSummary>;

export const ideaComment = z.object({
  id: z.string(),
  author: person,
  body: z.string(),
  bodyHtml: z.string(),
  createdAt: z.string(),
});
export type IdeaComment = z.infer<typeof ideaComment>;

export const idea = ideaSummary.extend({
  problem: z.string(),
  problemHtml: z.string(),
  declineReason: z.string().nullable(),
  votesByOrganisation: z.array(z.object({ id: z.string(), name: z.string(), votes: z.number().int() })),
  /** The sandbox feature to try while in preview, and where to try it. */
  flag: z.object({ key: z.string(), name: z.string(), tryUrl: z.string() }).nullable(),
  /** The feedback round about it, when the person asking may open it. */
  feedbackRound: z.object({ id: z.string(), title: z.string(), url: z.string() }).nullable(),
  release: z.object({ id: z.string(), version: z.string(), url: z.string() }).nullable(),
  /** Ideas merged into this one. */
  duplicates: z.array(z.object({ id: z.string(), title: z.string() })),
  /** Linked tickets the person asking may open; staff see them all. */
  tickets: z.array(
    z.object({ id: z.string(), number: z.number().int(), subject: z.string(), url: z.string() }),
  ),
  /**
   * Chat messages linked as evidence, each as chat lets the person asking read it; one in a channel
   * they may not read says only that it is in a private conversation.
   */
  messages: z.array(
    z.discriminatedUnion("readable", [
      z.object({
        readable: z.literal(true),
        bodyHtml: z.string(),
        author: person,
        channelName: z.string(),
        isDirect: z.boolean(),
        url: z.string(),
        postedAt: z.string(),
      }),
      z.object({ readable: z.literal(false) }),
    ]),
  ),
  comments: z.array(ideaComment),
  statusChangedAt: z.string(),
});
export type Idea = z.infer<typeof idea>;
export type IdeaEvidenceMessage = Idea["messages"][number];

export const linkOptions = z.object({
  flags: z.array(z.object({ key: z.string(), name: z.string() })),
  feedbackRounds: z.array(z.object({ id: z.string(), title: z.string(), project: z.string() })),
  releases: z.array(z.object({ id: z.string(), version: z.string() })),
});
export type LinkOptions = z.infer<typeof linkOptions>;

// --- operations ---

export const listIdeas = operation({
  operationId: "listIdeas",
  summary: "Ideas, most voted or newest first (merged ones left out)",
  method: "GET",
  path: "/api/ideas",
  access: "member",
  tag,
  query: ideaListQuery,
  response: z.object({ ideas: z.array(ideaSummary) }),
});

export const createIdea = operation({
  operationId: "createIdea",
  summary: "Post an idea",
  method: "POST",
  path: "/api/ideas",
  access: "member",
  tag,
  body: ideaInput,
  response: idea,
  status: 201,
});

export const getIdea = operation({
  operationId: "getIdea",
  summary: "One idea with its votes, links, tickets and comments",
  method: "GET",
  path: "/api/ideas/:id",
  access: "member",
  tag,
  params: idParam,
  response: idea,
  errors: ["not_found"],
});

export const voteForIdea = operation({
  operationId: "voteForIdea",
  summary: "Vote for an idea (once per person)",
  method: "PUT",
  path: "/api/ideas/:id/vote",
  access: "member",
  tag,
  params: idParam,
  response: idea,
  errors: ["not_found", "conflict"],
});

export const withdrawVote = operation({
  operationId: "withdrawVote",
  summary: "Withdraw my vote for an idea",
  method: "DELETE",
  path: "/api/ideas/:id/vote",
  access: "member",
  tag,
  params: idParam,
  response: idea,
  errors: ["not_found"],
});

export const commentOnIdea = operation({
  operationId: "commentOnIdea",
  summary: "Comment on an idea",
  method: "POST",
  path: "/api/ideas/:id/comments",
  access: "member",
  tag,
  params: idParam,
  body: commentInput,
  response: ideaComment,
  status: 201,
  errors: ["not_found"],
});

export const ideaLinkOptions = operation({
  operationId: "ideaLinkOptions",
  summary: "The feature flags, feedback rounds and releases a status may link",
  method: "GET",
  path: "/api/admin/ideas/link-options",
  access: "staff",
  tag,
  response: linkOptions,
});

export const setIdeaStatus = operation({
  operationId: "setIdeaStatus",
  summary: "Set an idea's status and what it links; tells everyone who asked",
  method: "PUT",
  path: "/api/admin/ideas/:id/status",
  access: "staff",
  tag,
  params: idParam,
  body: statusInput,
  response: idea,
  errors: ["not_found", "conflict"],
});

export const mergeIdea = operation({
  operationId: "mergeIdea",
  summary: "Merge a duplicate into another idea: its votes and tickets move there",
  method: "POST",
  path: "/api/admin/ideas/:id/merge",
  access: "staff",
  tag,
  params: idParam,
  body: mergeInput,
  response: idea,
  errors: ["not_found", "conflict"],
});

export const linkTicketToIdea = operation({
  operationId: "linkTicketToIdea",
  summary: "Link a service-desk ticket to an idea as evidence, by its number",
  method: "POST",
  path: "/api/admin/ideas/:id/tickets",
  access: "staff",
  tag,
  params: idParam,
  body: ticketLinkInput,
  response: idea,
  errors: ["not_found"],
});

export const unlinkTicketFromIdea = operation({
  operationId: "unlinkTicketFromIdea",
  summary: "Take a ticket off an idea",
  method: "DELETE",
  path: "/api/admin/ideas/:id/tickets/:ticketId",
  access: "staff",
  tag,
  params: z.object({ id: uuidField, ticketId: uuidField }),
  response: idea,
  errors: ["not_found"],
});

export const linkMessageToIdea = operation({
  operationId: "linkMessageToIdea",
  summary: "Link a chat message I can read to an idea as evidence",
  method: "POST",
  path: "/api/ideas/:id/messages",
  access: "member",
  tag,
  params: idParam,
  body: messageLinkInput,
  response: idea,
  errors: ["not_found", "conflict"],
});

export const listTicketIdeas = operation({
  operationId: "listTicketIdeas",
  summary: "The ideas a ticket I can open is linked to",
  method: "GET",
  path: "/api/desk/tickets/:id/ideas",
  access: "member",
  tag,
  params: idParam,
  response: z.object({ ideas: z.array(ideaSummary) }),
  errors: ["not_found"],
});
