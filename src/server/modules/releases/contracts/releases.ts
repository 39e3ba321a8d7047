import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, optionalText, requiredText, someChange } from "../../../../shared/fields.js";

export const releaseStatuses = ["draft", "published"] as const;
export type ReleaseStatus = (typeof releaseStatuses)[number];
export const featureAvailabilities = ["ga", "preview"] as const;
export type FeatureAvailability = (typeof featureAvailabilities)[number];

const tag = "releases";

// --- input ---

const versionField = z
  .string({ error: "Enter a version such as 26.3 or 26.3.1." })
  .trim()
  .regex(/^\d+\.\d+(\.\d+)?$/, "Use a version such as 26.3, or 26.3.1 for a hotfix.")
  .max(20, "Use at most 20 characters.");
const featureInput = z.object({
  title: requiredText("Name the feature.", 200),
  module: requiredText("Name the product module.", 80),
  availability: z.enum(featureAvailabilities, { error: "Choose GA or preview." }),
  description: optionalText(2000),
});
const releaseFields = {
  version: versionField,
  title: requiredText("Give the release a title.", 200),
  releaseDate: z.iso.date({ error: "Enter the release date as YYYY-MM-DD." }),
  notes: requiredText("Write the release notes.", 50_000),
  features: z.array(featureInput).max(100, "Use at most 100 features.").default([]),
};
export const releaseInput = z.object(releaseFields);
export type ReleaseInput = z.output<typeof releaseInput>;
export const releaseChanges = someChange({
  version: releaseFields.version.optional(),
  title: releaseFields.title.optional(),
  releaseDate: releaseFields.releaseDate.optional(),
  notes: releaseFields.notes.optional(),
  features: z.array(featureInput).max(100, "Use at most 100 features.").optional(),
});
export type ReleaseChanges = z.output<typeof releaseChanges>;
const versionParam = z.object({ version: z.string().max(40) });
/** What a draft closes, replacing what it closed: ideas by id (from the ideas list), tickets by number. */
export const releaseClosesInput = z.object({
  ideaIds: z
    .array(z.uuid({ error: "Choose ideas from the list." }))
    .max(100, "Close at most 100 ideas.")
    .default([]),
  ticketNumbers: z
    .array(
      z.coerce
        .number({ error: "Enter ticket numbers." })
        .int("Enter ticket numbers.")
        .positive("Enter ticket numbers."),
    )
    .max(100, "Close at most 100 tickets.")
    .default([]),
});
export type ReleaseClosesInput = z.output<typeof releaseClosesInput>;

// --- output ---

export const feature = z.object({
  title: z.string(),
  module: z.string(),
  availability: z.enum(featureAvailabilities),
  description: z.string(),
});
export type Feature = z.infer<typeof feature>;
export const release = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  releaseDate: z.string(),
  notes: z.string(),
  notesHtml: z.string(),
  status: z.enum(releaseStatuses),
  features: z.array(feature),
  url: z.string(),
  /** The ideas and tickets it closes, only those the person asking may open. */
  closes: z.object({
    ideas: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })),
    tickets: z.array(
      z.object({ id: z.string(), number: z.number().int(), subject: z.string(), url: z.string() }),
    ),
  }),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Release = z.infer<typeof release>;
const slackPayload = z.object({ text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) });
export type SlackPayload = z.infer<typeof slackPayload>;
export const releasePreview = z.object({
  /** The notes and feature list as the release page, the feed and the e-mail's HTML show them. */
  html: z.string(),
  notesHtml: z.string(),
  /** The Markdown posted into #announcements, and how it renders there. */
  announcement: z.object({ body: z.string(), html: z.string() }),
  email: z.object({ subject: z.string(), text: z.string() }),
  /** Exactly the JSON each webhook receives. */
  slack: slackPayload,
});
export type ReleasePreview = z.infer<typeof releasePreview>;
const releaseList = z.object({ releases: z.array(release) });

// --- operations ---

export const listPublishedReleases = operation({
  operationId: "listPublishedReleases",
  summary: "Published releases, newest first",
  method: "GET",
  path: "/api/releases",
  access: "public",
  tag,
  response: releaseList,
});

export const getPublishedRelease = operation({
  operationId: "getPublishedRelease",
  summary: "One published release by its version",
  method: "GET",
  path: "/api/releases/:version",
  access: "public",
  tag,
  params: versionParam,
  response: release,
  errors: ["not_found"],
});

export const listReleases = operation({
  operationId: "listReleases",
  summary: "Every release, drafts included",
  method: "GET",
  path: "/api/admin/releases",
  access: "staff",
  tag,
  query: z.object({ status: z.enum(releaseStatuses).optional() }),
  response: releaseList,
});

export const createRelease = operation({
  operationId: "createRelease",
  summary: "Write a draft release",
  method: "POST",
  path: "/api/admin/releases",
  access: "staff",
  tag,
  body: releaseInput,
  response: release,
  status: 201,
});

export const previewRelease = operation({
  operationId: "previewRelease",
  summary: "Render an unsaved draft as publishing would send it",
  method: "POST",
  path: "/api/admin/releases/preview",
  access: "staff",
  tag,
  body: releaseInput,
  response: releasePreview,
});

export const getRelease = operation({
  operationId: "getRelease",
  summary: "One release, draft or published",
  method: "GET",
  path: "/api/admin/releases/:id",
  access: "staff",
  tag,
  params: idParam,
  response: release,
});

export const updateRelease = operation({
  operationId: "updateRelease",
  summary: "Change a draft release",
  method: "PATCH",
  path: "/api/admin/releases/:id",
  access: "staff",
  tag,
  params: idParam,
  body: releaseChanges,
  response: release,
});

export const deleteRelease = operation({
  operationId: "deleteRelease",
  summary: "Delete a draft release",
  method: "DELETE",
  path: "/api/admin/releases/:id",
  access: "staff",
  tag,
  params: idParam,
});

export const previewStoredRelease = operation({
  operationId: "previewStoredRelease",
  summary: "Render a saved release as publishing would send it",
  method: "GET",
  path: "/api/admin/releases/:id/preview",
  access: "staff",
  tag,
  params: idParam,
  response: releasePreview,
});

export const publishRelease = operation({
  operationId: "publishRelease",
  summary: "Publish a draft: announcement, e-mail, feed and webhooks",
  method: "POST",
  path: "/api/admin/releases/:id/publish",
  access: "staff",
  tag,
  params: idParam,
  response: release,
});

export const setReleaseCloses = operation({
  operationId: "setReleaseCloses",
  summary: "Choose the ideas and tickets a draft closes; publishing releases them",
  method: "PUT",
  path: "/api/admin/releases/:id/closes",
  access: "staff",
  tag,
  params: idParam,
  body: releaseClosesInput,
  response: release,
  errors: ["not_found", "conflict"],
});

export const releaseFeed = operation({
  operationId: "releaseFeed",
  summary: "The Atom feed of published releases",
  method: "GET",
  path: "/releases.atom",
  access: "public",
  tag,
  response: { contentType: "application/atom+xml", description: "Atom 1.0 feed." },
});
