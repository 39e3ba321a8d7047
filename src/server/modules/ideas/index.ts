// What other modules may use of ideas: service functions only, never its tables.
import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { ideaUrl } from "./notifications.js";
import { ideas } from "./schema.js";

export { releaseIdeas } from "./decisions.js";

/** An idea as another module names it: enough to link to it. Every signed-in person may read ideas. */
export type IdeaRef = { id: string; title: string; merged: boolean; url: string };

/** The ideas with these ids, by id; ids that name no idea are simply absent. */
export async function ideaRefs(db: Db, ids: string[]): Promise<Map<string, IdeaRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: ideas.id, title: ideas.title, mergedIntoId: ideas.mergedIntoId })
    .from(ideas)
    .where(inArray(ideas.id, ids));
  return new Map(
    rows.map((row) => [
      row.id,
      { id: row.id, title: row.title, merged: row.mergedIntoId !== null, url: ideaUrl(row.id) },
    ]),
  );
}
