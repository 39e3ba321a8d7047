import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { userSummaries } from "../accounts/index.js";
import { requireProject, visibleTo } from "./access.js";
import type { ActivityPage, ActivityQuery } from "./contracts/activity.js";
import { amongMyProjects } from "./projects.js";
import { projectActivity, projects } from "./schema.js";

const DEFAULT_PAGE = 50;

/**
 * Timeline lines the person may see, newest first, one page at a time (`before` is the last id of
 * the previous page). Staff-only items stay off customers' timelines.
 */
async function activityPage(
  ctx: ActorCtx,
  scope: SQL | undefined,
  query: ActivityQuery,
): Promise<ActivityPage> {
  const { actor } = ctx;
  const limit = query.limit ?? DEFAULT_PAGE;
  const rows = await ctx.db
    .select({ line: projectActivity, projectName: projects.name })
    .from(projectActivity)
    .innerJoin(projects, eq(projects.id, projectActivity.projectId))
    .where(
      and(
        scope,
        inArray(projectActivity.visibility, visibleTo(actor)),
        query.before === undefined ? undefined : lt(projectActivity.id, query.before),
      ),
    )
    .orderBy(desc(projectActivity.id))
    // One more than asked tells whether an older page exists.
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const actors = await userSummaries(
    ctx.db,
    page.map((row) => row.line.actorId),
  );
  return {
    activity: page.map(({ line, projectName }) => ({
      id: line.id,
      projectId: line.projectId,
      projectName,
      actor: { id: line.actorId, name: actors.get(line.actorId)?.name ?? "A former member" },
      verb: line.verb,
      itemType: line.itemType,
      itemId: line.itemId,
      summary: line.summary,
      visibility: line.visibility,
      at: line.at.toISOString(),
    })),
    nextBefore: rows.length > limit ? (page.at(-1)?.line.id ?? null) : null,
  };
}

/** One project's timeline. */
export async function listProjectActivity(
  ctx: ActorCtx,
  projectId: string,
  query: ActivityQuery,
): Promise<ActivityPage> {
  await requireProject(ctx, projectId, "read");
  return activityPage(ctx, eq(projectActivity.projectId, projectId), query);
}

/** The timeline across every project the person takes part in (staff: every project). */
export async function listMyActivity(ctx: ActorCtx, query: ActivityQuery): Promise<ActivityPage> {
  return activityPage(ctx, amongMyProjects(ctx, projectActivity.projectId), query);
}
