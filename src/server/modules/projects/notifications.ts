import { and, eq, isNull } from "drizzle-orm";
import type { FollowLevel } from "../../../shared/contracts/notifications.js";
import type { Db } from "../../db/client.js";
import type { Ctx } from "../../platform/context.js";
import { defineNotificationItem } from "../../platform/notifications/items.js";
import { markItemSeen, peopleAtLevel } from "../../platform/notifications/service.js";
import { projectReaders } from "./access.js";
import { feedbackRounds, projectPostSubscriptions, projectPosts } from "./schema.js";

const idsOf = (people: { id: string }[]) => people.map((person) => person.id);

/** A post on a project's board: seen by whoever may see its visibility in the project, while it is not removed. */
export const postItem = defineNotificationItem({
  type: "project_post",
  audience: async (db, postId, userIds) => {
    const [post] = await db
      .select({ projectId: projectPosts.projectId, visibility: projectPosts.visibility })
      .from(projectPosts)
      .where(and(eq(projectPosts.id, postId), isNull(projectPosts.removedAt)));
    return post ? idsOf(await projectReaders(db, post.projectId, post.visibility, userIds)) : [];
  },
});

/** A feedback round: seen by everyone in its project. */
export const roundItem = defineNotificationItem({
  type: "project_feedback_round",
  audience: async (db, roundId, userIds) => {
    const [round] = await db
      .select({ projectId: feedbackRounds.projectId })
      .from(feedbackRounds)
      .where(eq(feedbackRounds.id, roundId));
    return round ? idsOf(await projectReaders(db, round.projectId, "project", userIds)) : [];
  },
});

/** A person opened a post: what they were told about it has been seen. */
export async function markPostSeen(ctx: Ctx, userId: string, postId: string): Promise<void> {
  await markItemSeen(ctx, userId, { type: postItem.type, id: postId });
}

/** A person opened a feedback round: what they were told about it has been seen. */
export async function markRoundSeen(ctx: Ctx, userId: string, roundId: string): Promise<void> {
  await markItemSeen(ctx, userId, { type: roundItem.type, id: roundId });
}

/** The board's page of a post, opened at it (and at one of its comments). */
export const postUrl = (post: { id: string; projectId: string }, commentId?: string) =>
  `/projects/${post.projectId}/board?post=${post.id}${commentId ? `&comment=${commentId}` : ""}`;

export const roundUrl = (round: { id: string; projectId: string }, responseId?: string) =>
  `/projects/${round.projectId}/feedback?round=${round.id}${responseId ? `&answer=${responseId}` : ""}`;

/**
 * Who chose what for a post: the post subscriptions people made before the inbox existed (subscribed
 * reads as follow, muted as mute), overridden by what they chose since in the inbox's follows.
 */
export async function postFollowLevels(db: Db, postId: string): Promise<Map<string, FollowLevel>> {
  const levels = new Map<string, FollowLevel>();
  const subscriptions = await db
    .select({ userId: projectPostSubscriptions.userId, state: projectPostSubscriptions.state })
    .from(projectPostSubscriptions)
    .where(eq(projectPostSubscriptions.postId, postId));
  for (const row of subscriptions) levels.set(row.userId, row.state === "muted" ? "mute" : "follow");
  const item = { type: postItem.type, id: postId };
  for (const level of ["follow", "mentions", "mute"] as const)
    for (const userId of await peopleAtLevel(db, item, level)) levels.set(userId, level);
  return levels;
}
