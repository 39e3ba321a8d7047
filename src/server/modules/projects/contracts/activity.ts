import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { itemVisibilities, personRef, projectParams, tag } from "./common.js";

const beforeMessage = "Give before as the nextBefore of the previous page.";
const limitMessage = "Give limit as a number from 1 to 100.";
export const activityQuery = z.object({
  before: z.coerce.number({ error: beforeMessage }).int(beforeMessage).positive(beforeMessage).optional(),
  limit: z.coerce
    .number({ error: limitMessage })
    .int(limitMessage)
    .min(1, limitMessage)
    .max(100, limitMessage)
    .optional(),
});
export type ActivityQuery = z.output<typeof activityQuery>;

export const activityItem = z.object({
  id: z.number(),
  projectId: z.string(),
  projectName: z.string(),
  actor: personRef,
  verb: z.string(),
  itemType: z.string(),
  itemId: z.string(),
  summary: z.string(),
  visibility: z.enum(itemVisibilities),
  at: z.string(),
});
export type ActivityItem = z.infer<typeof activityItem>;
export const activityPage = z.object({
  activity: z.array(activityItem),
  /** Pass as `before` for the next (older) page; null when this page is the last. */
  nextBefore: z.number().nullable(),
});
export type ActivityPage = z.infer<typeof activityPage>;

export const listMyActivity = operation({
  operationId: "listMyProjectActivity",
  summary: "What happened lately in every project one takes part in",
  method: "GET",
  path: "/api/projects/activity",
  access: "member",
  tag,
  query: activityQuery,
  response: activityPage,
});

export const listProjectActivity = operation({
  operationId: "listProjectActivity",
  summary: "What happened lately in a project",
  method: "GET",
  path: "/api/projects/:id/activity",
  access: "member",
  tag,
  params: projectParams,
  query: activityQuery,
  response: activityPage,
});

/**
 * Something in a project changed, as its timeline records it (`itemType`: project, post, document,
 * folder, file or feedback_round; `verb` as in the timeline). To everyone who may see that timeline
 * line: the project's participants who may see the item (staff-only ones to the product team alone),
 * and the product team, who reach every project. Open pages fetch what it names again.
 */
export const projectChanged = defineEvent<{
  projectId: string;
  itemType: string;
  itemId: string;
  verb: string;
}>("projects.change");
