import { type AnyColumn, and, asc, desc, eq, inArray, isNull, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type Actor, type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, invalid, notFound } from "../../platform/errors.js";
import { markdownExcerpt, renderMarkdown } from "../../platform/markdown.js";
import { listOrganisations, peopleByIds, userSummaries } from "../accounts/index.js";
import { type ProjectRow, recordActivity, requireProject } from "./access.js";
import type { Participant, ParticipantInput } from "./contracts/participants.js";
import type {
  Project,
  ProjectChanges,
  ProjectInput,
  ProjectListQuery,
  ProjectSummary,
} from "./contracts/projects.js";
import { projectParticipants, projects } from "./schema.js";

type ParticipantRow = typeof projectParticipants.$inferSelect;

function requireManager(actor: Actor): void {
  if (!actor.isStaff) throw forbidden("Only the product team manages projects.");
}

/** An end before the start is named on `endsOn`, the field a person fixes. */
function checkDates(startsOn: string, endsOn: string | null | undefined): void {
  if (endsOn && endsOn < startsOn) throw invalid({ endsOn: "End on or after the start date." });
}

async function currentParticipants(db: Db, projectIds: string[]): Promise<ParticipantRow[]> {
  if (projectIds.length === 0) return [];
  return db
    .select()
    .from(projectParticipants)
    .where(and(inArray(projectParticipants.projectId, projectIds), isNull(projectParticipants.removedAt)))
    .orderBy(asc(projectParticipants.addedAt));
}

async function presentParticipants(db: Db, rows: ParticipantRow[]): Promise<Participant[]> {
  const people = await peopleByIds(
    db,
    rows.flatMap((row) => (row.userId ? [row.userId] : [])),
  );
  const organisationIds = [
    ...new Set(rows.flatMap((row) => (row.organisationId ? [row.organisationId] : []))),
  ];
  const organisations = new Map(
    (organisationIds.length > 0 ? await listOrganisations(db, organisationIds) : []).map((o) => [o.id, o]),
  );
  return rows.map((row) => {
    const addedAt = row.addedAt.toISOString();
    if (row.userId) {
      const person = people.get(row.userId);
      return {
        id: row.id,
        kind: "person" as const,
        userId: row.userId,
        name: person?.name ?? "A former member",
        organisationName: person?.organisation.name ?? "",
        addedAt,
      };
    }
    const organisationId = row.organisationId ?? "";
    return {
      id: row.id,
      kind: "organisation" as const,
      organisationId,
      name: organisations.get(organisationId)?.name ?? "A former organisation",
      addedAt,
    };
  });
}

const summaryOf = (project: ProjectRow) => ({
  id: project.id,
  name: project.name,
  purpose: project.purpose,
  purposeExcerpt: markdownExcerpt(project.purpose),
  startsOn: project.startsOn,
  endsOn: project.endsOn,
  status: project.status,
  updatedAt: project.updatedAt.toISOString(),
});

/**
 * The SQL condition "this project id is one the person reaches": every project for staff, otherwise
 * those they take part in, in person or through their organisation (as `requireProject` decides).
 */
export function amongMyProjects({ db, actor }: ActorCtx, projectId: AnyColumn): SQL | undefined {
  if (actor.isStaff) return undefined;
  return inArray(
    projectId,
    db
      .select({ projectId: projectParticipants.projectId })
      .from(projectParticipants)
      .where(
        and(
          isNull(projectParticipants.removedAt),
          or(
            eq(projectParticipants.userId, actor.id),
            eq(projectParticipants.organisationId, actor.organisationId),
          ),
        ),
      ),
  );
}

/** The projects a person takes part in (staff: all), newest start first. */
export async function listProjects(ctx: ActorCtx, filter: ProjectListQuery): Promise<ProjectSummary[]> {
  const { db } = ctx;
  const rows = await db
    .select()
    .from(projects)
    .where(
      and(amongMyProjects(ctx, projects.id), filter.status ? eq(projects.status, filter.status) : undefined),
    )
    .orderBy(desc(projects.startsOn), asc(projects.name));
  const participants = await presentParticipantsByProject(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => {
    const own = participants.get(row.id) ?? [];
    return {
      ...summaryOf(row),
      organisationNames: own.filter((p) => p.kind === "organisation").map((p) => p.name),
      personCount: own.filter((p) => p.kind === "person").length,
    };
  });
}

async function presentParticipantsByProject(db: Db, projectIds: string[]) {
  const rows = await currentParticipants(db, projectIds);
  const views = await presentParticipants(db, rows);
  const byProject = new Map<string, Participant[]>();
  rows.forEach((row, index) => {
    const view = views[index];
    if (view) byProject.set(row.projectId, [...(byProject.get(row.projectId) ?? []), view]);
  });
  return byProject;
}

export async function getProjectView(ctx: ActorCtx, projectId: string): Promise<Project> {
  const { actor } = ctx;
  const project = await requireProject(ctx, projectId, "read");
  return presentProject(ctx.db, actor, project);
}

async function presentProject(db: Db, actor: Actor, project: ProjectRow): Promise<Project> {
  return {
    ...summaryOf(project),
    purposeHtml: renderMarkdown(project.purpose),
    archivedAt: project.archivedAt?.toISOString() ?? null,
    participants: await presentParticipants(db, await currentParticipants(db, [project.id])),
    canManage: actor.isStaff,
  };
}

async function reload(ctx: ActorCtx, projectId: string): Promise<Project> {
  const { actor } = ctx;
  const [project] = await ctx.db.select().from(projects).where(eq(projects.id, projectId));
  if (!project) throw notFound("The project");
  return presentProject(ctx.db, actor, project);
}

export async function createProject(ctx: ActorCtx, input: ProjectInput): Promise<Project> {
  const { actor } = ctx;
  requireManager(actor);
  checkDates(input.startsOn, input.endsOn);
  const id = await inTransaction(ctx, async (tx) => {
    const [project] = await tx.db
      .insert(projects)
      .values({
        name: input.name,
        purpose: input.purpose,
        startsOn: input.startsOn,
        endsOn: input.endsOn ?? null,
        createdBy: actor.id,
      })
      .returning();
    if (!project) throw new Error("project row was not written");
    await recordActivity(tx, {
      projectId: project.id,
      verb: "project_created",
      itemType: "project",
      itemId: project.id,
      summary: `${actor.name} started the project ${project.name}.`,
      visibility: "project",
    });
    await recordAudit(tx, {
      action: "project.created",
      targetType: "project",
      targetId: project.id,
      details: { name: project.name },
    });
    return project.id;
  });
  return reload(ctx, id);
}

export async function updateProject(
  ctx: ActorCtx,
  projectId: string,
  changes: ProjectChanges,
): Promise<Project> {
  const { actor } = ctx;
  requireManager(actor);
  await inTransaction(ctx, async (tx) => {
    const project = await requireProject(tx, projectId, "write");
    const next = {
      name: changes.name ?? project.name,
      purpose: changes.purpose ?? project.purpose,
      startsOn: changes.startsOn ?? project.startsOn,
      endsOn: changes.endsOn === undefined ? project.endsOn : changes.endsOn,
    };
    checkDates(next.startsOn, next.endsOn);
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((key) => next[key] !== project[key]);
    if (changed.length === 0) return;
    await tx.db
      .update(projects)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(projects.id, projectId));
    await recordActivity(tx, {
      projectId,
      verb: "project_updated",
      itemType: "project",
      itemId: projectId,
      summary: `${actor.name} changed the project's ${changed.join(", ")}.`,
      visibility: "project",
    });
    await recordAudit(tx, {
      action: "project.updated",
      targetType: "project",
      targetId: projectId,
      details: { changed },
    });
  });
  return reload(ctx, projectId);
}

/** Archiving makes the project read-only for everyone; restoring opens it again. */
export async function setArchived(ctx: ActorCtx, projectId: string, archived: boolean): Promise<Project> {
  const { actor } = ctx;
  requireManager(actor);
  await inTransaction(ctx, async (tx) => {
    const project = await requireProject(tx, projectId, "read");
    if (archived && project.status === "archived")
      throw new AppError("conflict", `${project.name} is archived already.`);
    if (!archived && project.status === "active")
      throw new AppError("conflict", `${project.name} is not archived.`);
    await tx.db
      .update(projects)
      .set(
        archived
          ? { status: "archived", archivedAt: new Date(), archivedBy: actor.id, updatedAt: new Date() }
          : { status: "active", archivedAt: null, archivedBy: null, updatedAt: new Date() },
      )
      .where(eq(projects.id, projectId));
    await recordActivity(tx, {
      projectId,
      verb: archived ? "project_archived" : "project_restored",
      itemType: "project",
      itemId: projectId,
      summary: archived
        ? `${actor.name} archived the project; it is read-only.`
        : `${actor.name} restored the project.`,
      visibility: "project",
    });
    await recordAudit(tx, {
      action: archived ? "project.archived" : "project.restored",
      targetType: "project",
      targetId: projectId,
      details: { name: project.name },
    });
  });
  return reload(ctx, projectId);
}

/**
 * Adds a person (who must exist and be active) or a whole organisation: everyone in it, now and
 * later, takes part through the one row. Someone or something already in the project is a 409.
 */
export async function addParticipant(
  ctx: ActorCtx,
  projectId: string,
  input: ParticipantInput,
): Promise<Participant> {
  const { actor } = ctx;
  requireManager(actor);
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    let label: string;
    let same: SQL;
    if ("userId" in input) {
      const person = (await peopleByIds(tx.db, [input.userId])).get(input.userId);
      const active = (await userSummaries(tx.db, [input.userId])).get(input.userId)?.active === true;
      if (!person || !active) throw invalid({ userId: "Choose an active member of the community." });
      label = `${person.name} (${person.organisation.name})`;
      same = eq(projectParticipants.userId, input.userId);
    } else {
      const [organisation] = await listOrganisations(tx.db, [input.organisationId]);
      if (!organisation) throw invalid({ organisationId: "Choose an organisation of the community." });
      label = organisation.name;
      same = eq(projectParticipants.organisationId, input.organisationId);
    }
    const [existing] = await tx.db
      .select({ id: projectParticipants.id })
      .from(projectParticipants)
      .where(and(eq(projectParticipants.projectId, projectId), isNull(projectParticipants.removedAt), same));
    if (existing) throw new AppError("conflict", `${label} takes part in this project already.`);
    const [row] = await tx.db
      .insert(projectParticipants)
      .values({
        projectId,
        userId: "userId" in input ? input.userId : null,
        organisationId: "organisationId" in input ? input.organisationId : null,
        addedBy: actor.id,
      })
      .returning();
    if (!row) throw new Error("participant row was not written");
    await recordActivity(tx, {
      projectId,
      verb: "participant_added",
      itemType: "project",
      itemId: projectId,
      summary: `${actor.name} added ${label} to the project.`,
      visibility: "project",
    });
    await recordAudit(tx, {
      action: "project.participant_added",
      targetType: "project",
      targetId: projectId,
      details: { participantId: row.id, userId: row.userId, organisationId: row.organisationId },
    });
    const [view] = await presentParticipants(tx.db, [row]);
    if (!view) throw new Error("participant was not presented");
    return view;
  });
}

/** Takes a participant out of the project; the row is kept with who removed it and when. */
export async function removeParticipant(
  ctx: ActorCtx,
  projectId: string,
  participantId: string,
): Promise<void> {
  const { actor } = ctx;
  requireManager(actor);
  await inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const [row] = await tx.db
      .select()
      .from(projectParticipants)
      .where(
        and(
          eq(projectParticipants.id, participantId),
          eq(projectParticipants.projectId, projectId),
          isNull(projectParticipants.removedAt),
        ),
      );
    if (!row) throw notFound("The participant");
    const [view] = await presentParticipants(tx.db, [row]);
    await tx.db
      .update(projectParticipants)
      .set({ removedAt: new Date(), removedBy: actor.id })
      .where(eq(projectParticipants.id, participantId));
    await recordActivity(tx, {
      projectId,
      verb: "participant_removed",
      itemType: "project",
      itemId: projectId,
      summary: `${actor.name} removed ${view?.name ?? "a participant"} from the project.`,
      visibility: "project",
    });
    await recordAudit(tx, {
      action: "project.participant_removed",
      targetType: "project",
      targetId: projectId,
      details: { participantId, userId: row.userId, organisationId: row.organisationId },
    });
  });
}
