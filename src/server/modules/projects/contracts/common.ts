/** What every projects contract shares: the value lists, the people shown on items, the path params. */
import { z } from "zod";
import { storedFileAnswer } from "../../../../shared/contract.js";
import { uuidField } from "../../../../shared/fields.js";

export const projectStatuses = ["active", "archived"] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

/** Who sees an item of a project: everyone in it, or only the product team. */
export const itemVisibilities = ["project", "staff"] as const;
export type ItemVisibility = (typeof itemVisibilities)[number];

export const postCategories = ["announcement", "question", "decision", "fyi"] as const;
export type PostCategory = (typeof postCategories)[number];

export const subscriptionStates = ["subscribed", "muted"] as const;
export type SubscriptionState = (typeof subscriptionStates)[number];

export const questionKinds = ["rating", "choice", "text"] as const;
export type QuestionKind = (typeof questionKinds)[number];

export const answerScopes = ["organisation", "person"] as const;
export type AnswerScope = (typeof answerScopes)[number];

export const triageStates = ["new", "acknowledged", "planned", "wont_do"] as const;
export type TriageState = (typeof triageStates)[number];

export const tag = "projects";

export const visibilityField = z.enum(itemVisibilities, {
  error: "Choose project (everyone in the project) or staff (the product team only).",
});

/** A positive version number, in a path, a query or a body. */
export const versionNumber = (name: string) =>
  z.coerce
    .number({ error: `Give ${name} as a version number.` })
    .int(`Give ${name} as a version number.`)
    .min(1, "Versions count from 1.");

export const projectParams = z.object({ id: uuidField });

/** A person as a project shows them: name, product-team badge and organisation. */
export const projectPerson = z.object({
  id: z.string(),
  name: z.string(),
  isStaff: z.boolean(),
  organisationName: z.string(),
});
export type ProjectPerson = z.infer<typeof projectPerson>;

/** Just who: an activity's actor, a feedback answer's author. */
export const personRef = z.object({ id: z.string(), name: z.string() });
export type PersonRef = z.infer<typeof personRef>;

/** A file attached to a post or to a feedback answer. */
export const attachment = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof attachment>;

/** A stored file's bytes with their stored type; images inline (for the preview), anything else as an attachment. */
export const storedFile = storedFileAnswer("The file's bytes.");
