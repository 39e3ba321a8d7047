import { desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { roundItem, roundUrl } from "./notifications.js";
import { feedbackRounds, projects } from "./schema.js";

/** A feedback round as another module names it: its title, its project and its page. */
export type FeedbackRoundRef = { id: string; title: string; project: string; url: string };

const refColumns = {
  id: feedbackRounds.id,
  title: feedbackRounds.title,
  projectId: feedbackRounds.projectId,
  project: projects.name,
};
type RefRow = { id: string; title: string; projectId: string; project: string };
const refOf = (row: RefRow): FeedbackRoundRef => ({
  id: row.id,
  title: row.title,
  project: row.project,
  url: roundUrl(row),
});

/** The rounds with these ids, by id; ids that name no round are absent. No gate: callers ask `mayOpenFeedbackRound`. */
export async function feedbackRoundRefs(db: Db, ids: string[]): Promise<Map<string, FeedbackRoundRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select(refColumns)
    .from(feedbackRounds)
    .innerJoin(projects, eq(projects.id, feedbackRounds.projectId))
    .where(inArray(feedbackRounds.id, ids));
  return new Map(rows.map((row) => [row.id, refOf(row)]));
}

/** Every round, newest first, for the product team choosing one to link (staff reach every project). */
export async function allFeedbackRoundRefs(db: Db): Promise<FeedbackRoundRef[]> {
  const rows = await db
    .select(refColumns)
    .from(feedbackRounds)
    .innerJoin(projects, eq(projects.id, feedbackRounds.projectId))
    .orderBy(desc(feedbackRounds.createdAt));
  return rows.map(refOf);
}

/** Whether the person may open the round: the project's own rule, as its notifications ask it. */
export async function mayOpenFeedbackRound(db: Db, roundId: string, userId: string): Promise<boolean> {
  return (await roundItem.audience(db, roundId, [userId])).includes(userId);
}
