import { and, eq, isNull, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { readTogether } from "../../db/together.js";
import type { Actor, ActorCtx, Ctx } from "../../platform/context.js";
import { AppError, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { activeMembersOf, listActiveStaff, type UserSummary, userSummaries } from "../accounts/index.js";
import { projectChanged } from "./contracts/activity.js";
import { type ItemVisibility, projectActivity, projectParticipants, projects } from "./schema.js";

export type ProjectRow = typeof projects.$inferSelect;
export type ProjectNeed = "read" | "write";

/** Whether the person takes part in the project, in person or through their organisation. */
const participates = (actor: Actor, projectId: string): SQL | undefined =>
  and(
    eq(projectParticipants.projectId, projectId),
    isNull(projectParticipants.removedAt),
    or(
      eq(projectParticipants.userId, actor.id),
      eq(projectParticipants.organisationId, actor.organisationId),
    ),
  );

/**
 * The one gate of every project route. Staff reach every project; anyone else only the projects they
 * take part in (in person or through their organisation), and for anyone else a project does not
 * exist (404, so its name does not leak). Writing into an archived project is a 409: it is read-only
 * until restored.
 */
export async function requireProject(
  ctx: ActorCtx,
  projectId: string,
  need: ProjectNeed,
): Promise<ProjectRow> {
  const { actor } = ctx;
  const [project] = await ctx.db.select().from(projects).where(eq(projects.id, projectId));
  if (!project) throw notFound("No such project.");
  if (!actor.isStaff) {
    const [membership] = await ctx.db
      .select({ id: projectParticipants.id })
      .from(projectParticipants)
      .where(participates(actor, projectId))
      .limit(1);
    if (!membership) throw notFound("No such project.");
  }
  if (need === "write" && project.status === "archived")
    throw new AppError("conflict", `${project.name} is archived and read-only; staff can restore it.`);
  return project;
}

/** The visibilities a person may see: the product team sees staff-only items, everyone else does not. */
export const visibleTo = (actor: Actor): ItemVisibility[] =>
  actor.isStaff ? ["project", "staff"] : ["project"];

/** Whether one item is visible to the person (use `visibleTo` in list queries). */
export const canSee = (person: { isStaff: boolean }, visibility: ItemVisibility): boolean =>
  person.isStaff || visibility === "project";

/**
 * Everyone in the project who may see an item of the given visibility, for notifications: people
 * added in person, the active members of organisations added whole, and, for staff-only items, only
 * the product team among them.
 */
export async function projectAudience(
  db: Db,
  projectId: string,
  visibility: ItemVisibility,
): Promise<UserSummary[]> {
  const rows = await db
    .select({ userId: projectParticipants.userId, organisationId: projectParticipants.organisationId })
    .from(projectParticipants)
    .where(and(eq(projectParticipants.projectId, projectId), isNull(projectParticipants.removedAt)));
  const people = [
    ...(
      await userSummaries(
        db,
        rows.flatMap((r) => (r.userId ? [r.userId] : [])),
      )
    ).values(),
  ];
  const members = await activeMembersOf(
    db,
    rows.flatMap((r) => (r.organisationId ? [r.organisationId] : [])),
  );
  const byId = new Map<string, UserSummary>();
  for (const person of [...people, ...members]) if (person.active) byId.set(person.id, person);
  return [...byId.values()].filter((person) => canSee(person, visibility));
}

/**
 * Who may hear about an item of the project: its active participants who may see the visibility
 * (projectAudience), and active staff, who reach every project, when they are named directly.
 */
export async function projectReaders(
  db: Db,
  projectId: string,
  visibility: ItemVisibility,
  candidateIds: Iterable<string>,
): Promise<UserSummary[]> {
  const audience = new Set((await projectAudience(db, projectId, visibility)).map((p) => p.id));
  const candidates = await userSummaries(db, candidateIds);
  return [...candidates.values()].filter(
    (person) => person.active && canSee(person, visibility) && (person.isStaff || audience.has(person.id)),
  );
}

/**
 * Everyone who may see an item of the given visibility in the project now, for live events: its
 * audience (projectAudience) and the product team, who reach every project and see staff-only items.
 */
export async function liveAudience(db: Db, projectId: string, visibility: ItemVisibility): Promise<string[]> {
  const [audience, staff] = await readTogether(db, [
    () => projectAudience(db, projectId, visibility),
    () => listActiveStaff(db),
  ]);
  return [...new Set([...audience, ...staff].map((person) => person.id))];
}

export type ActivityInput = {
  projectId: string;
  verb: string;
  itemType: string;
  itemId: string;
  summary: string;
  visibility: ItemVisibility;
};

/**
 * Adds a line to the project's timeline, in the caller's transaction, and tells the open pages of
 * everyone who may read that line (every change of a project has one).
 */
export async function recordActivity(ctx: ActorCtx, input: ActivityInput): Promise<void> {
  const { actor } = ctx;
  await ctx.db.insert(projectActivity).values({ ...input, actorId: actor.id });
  await announceProjectChange(ctx, input);
}

async function announceProjectChange(ctx: Ctx, input: ActivityInput): Promise<void> {
  const { projectId, itemType, itemId, verb, visibility } = input;
  const userIds = await liveAudience(ctx.db, projectId, visibility);
  await publishEvent(ctx, projectChanged, { userIds }, { projectId, itemType, itemId, verb });
}
