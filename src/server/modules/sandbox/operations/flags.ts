import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type Actor, type ActorCtx, type Ctx, inTransaction } from "../../../platform/context.js";
import { isUniqueViolation } from "../../../platform/db-errors.js";
import { AppError, forbidden, invalid, notFound } from "../../../platform/errors.js";
import { publishEvent } from "../../../platform/events/publish.js";
import { releaseRefs } from "../../releases/index.js";
import { gate } from "../access/index.js";
import {
  type FlagChange,
  type FlagChanges,
  type FlagInput,
  type FlagState,
  flagChanged,
  flagStates,
} from "./contracts/flags.js";
import { type FlagRow, type FlagView, presentFlag } from "./present.js";
import {
  PRODUCT_FLAG_SERVICE,
  PRODUCT_FLAG_SERVICE_ID,
  refuseWhileProductOwnsFlags,
  tellProductOfFlags,
} from "./product-flags.js";
import { sandboxFlags } from "./schema.js";

export const FLAG_CREATED = "sandbox.flag_created";
export const FLAG_CHANGED = "sandbox.flag_changed";
export const FLAGS_FROM_PRODUCT = "sandbox.flags_from_product";

export const requireStaffOperator = (actor: Actor): void => {
  if (!actor.isStaff) throw forbidden("Only the product team operates the development environment.");
};

async function presentFlags(db: Db, rows: FlagRow[]): Promise<FlagView[]> {
  const linked = rows.flatMap((row) => (row.releaseId ? [row.releaseId] : []));
  const releases = await releaseRefs(db, [...new Set(linked)]);
  return rows.map((row) => presentFlag(row, (row.releaseId && releases.get(row.releaseId)) || null));
}

async function presentOne(db: Db, row: FlagRow): Promise<FlagView> {
  const [view] = await presentFlags(db, [row]);
  if (!view) throw notFound("The feature flag");
  return view;
}

async function assertReleaseExists(db: Db, releaseId: string | null | undefined): Promise<void> {
  if (!releaseId) return;
  if (!(await releaseRefs(db, [releaseId])).has(releaseId))
    throw invalid({ releaseId: "There is no release with this id; choose one from the release notes." });
}

async function publishFlag(ctx: Ctx, flag: FlagView): Promise<void> {
  // Everyone signed in: the environment banner, shown before the agreement is accepted, lists previews.
  await publishEvent(ctx, flagChanged, { everyone: true }, { flag });
}

/** Every flag, by key: every sandbox user may know what is switched on and what is in preview. */
export async function listFlags(ctx: ActorCtx): Promise<FlagView[]> {
  await gate(ctx);
  const rows = await ctx.db.select().from(sandboxFlags).orderBy(asc(sandboxFlags.key));
  return presentFlags(ctx.db, rows);
}

const keyTaken = (key: string) =>
  new AppError("conflict", `There is already a feature flag ${key}.`, {
    key: `The key ${key} is already used by another flag.`,
  });

export async function createFlag(ctx: ActorCtx, input: FlagInput): Promise<FlagView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  try {
    return await inTransaction(ctx, async (tx) => {
      const [existing] = await tx.db
        .select({ key: sandboxFlags.key })
        .from(sandboxFlags)
        .where(eq(sandboxFlags.key, input.key));
      if (existing) throw keyTaken(input.key);
      await assertReleaseExists(tx.db, input.releaseId);
      const [row] = await tx.db
        .insert(sandboxFlags)
        .values({
          key: input.key,
          name: input.name,
          description: input.description,
          state: input.state,
          releaseId: input.releaseId ?? null,
          createdBy: actor.id,
          updatedBy: actor.id,
        })
        .returning();
      if (!row) throw new Error("the feature flag was not written");
      await recordAudit(tx, {
        action: FLAG_CREATED,
        targetType: "sandbox_flag",
        targetId: row.key,
        details: { name: row.name, state: row.state, releaseId: row.releaseId },
      });
      await tellProductOfFlags(tx, [{ key: row.key, from: null, to: row.state }]);
      const view = await presentOne(tx.db, row);
      await publishFlag(tx, view);
      return view;
    });
  } catch (error) {
    // Two staff creating the same key at once: the loser hears the same 409 as a sequential clash.
    if (isUniqueViolation(error)) throw keyTaken(input.key);
    throw error;
  }
}

/**
 * Changes a flag; switching one off hides its feature but keeps every row it wrote. Its name,
 * description and release stay Convene's to change when the product's flag service owns the states.
 */
export async function updateFlag(ctx: ActorCtx, key: string, changes: FlagChanges): Promise<FlagView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  if (changes.state !== undefined) refuseWhileProductOwnsFlags(ctx.config, "state");
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(sandboxFlags).where(eq(sandboxFlags.key, key)).for("update");
    if (!before) throw notFound("The feature flag");
    await assertReleaseExists(tx.db, changes.releaseId);
    const changed = Object.fromEntries(
      Object.entries(changes).filter(
        ([field, value]) => value !== undefined && value !== before[field as keyof FlagChanges],
      ),
    ) as FlagChanges;
    if (Object.keys(changed).length === 0) return presentOne(tx.db, before);
    const [row] = await tx.db
      .update(sandboxFlags)
      .set({ ...changed, updatedBy: actor.id, updatedAt: new Date() })
      .where(eq(sandboxFlags.key, key))
      .returning();
    if (!row) throw notFound("The feature flag");
    await recordAudit(tx, {
      action: FLAG_CHANGED,
      targetType: "sandbox_flag",
      targetId: key,
      details: {
        changes: Object.fromEntries(
          Object.keys(changed).map((field) => [
            field,
            { from: before[field as keyof FlagChanges] ?? null, to: row[field as keyof FlagChanges] ?? null },
          ]),
        ),
      },
    });
    if (changed.state) await tellProductOfFlags(tx, [{ key, from: before.state, to: row.state }]);
    const view = await presentOne(tx.db, row);
    await publishFlag(tx, view);
    return view;
  });
}

/**
 * Sets the states a deployment names, in the caller's transaction, and returns only what actually
 * changed. Every key is checked first (400 naming `flags.<key>`), so nothing is half-applied. The
 * product hears of the changes when it listens.
 */
export async function applyFlagStates(
  ctx: ActorCtx,
  states: Record<string, FlagState>,
): Promise<FlagChange[]> {
  const changes = await setFlagStates(ctx, states, ctx.actor.id);
  await tellProductOfFlags(ctx, changes);
  return changes;
}

/**
 * The states the product's flag service posted (signed: product-flags.ts checks that first), applied
 * like a deployment's in one transaction, audited as the flag service and published live like staff's
 * changes. Answers what changed; nothing changed writes nothing.
 */
export function applyProductFlags(ctx: Ctx, states: Record<string, FlagState>): Promise<FlagChange[]> {
  return inTransaction(ctx, async (tx) => {
    const changes = await setFlagStates(tx, states, PRODUCT_FLAG_SERVICE_ID);
    if (changes.length > 0)
      await recordAudit(
        { ...tx, actor: null },
        {
          action: FLAGS_FROM_PRODUCT,
          actorEmail: PRODUCT_FLAG_SERVICE,
          targetType: "sandbox_flag",
          targetId: changes.map((change) => change.key).join(","),
          details: { changes },
        },
      );
    return changes;
  });
}

/** Sets the states, checked first, each changed flag published; `updatedBy` is who set them. */
async function setFlagStates(
  ctx: Ctx,
  states: Record<string, FlagState>,
  updatedBy: string,
): Promise<FlagChange[]> {
  const keys = Object.keys(states).sort();
  if (keys.length === 0) return [];
  const rows = await ctx.db
    .select()
    .from(sandboxFlags)
    .where(inArray(sandboxFlags.key, keys))
    .orderBy(asc(sandboxFlags.key))
    .for("update");
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const problems: Record<string, string> = {};
  for (const key of keys) {
    if (!byKey.has(key)) problems[`flags.${key}`] = `There is no feature flag ${key}; define it first.`;
    else if (!flagStates.includes(states[key] as FlagState))
      problems[`flags.${key}`] = "Choose a state: off, preview or on.";
  }
  if (Object.keys(problems).length > 0) throw invalid(problems);

  const changes: FlagChange[] = [];
  for (const row of rows) {
    const to = states[row.key] as FlagState;
    if (row.state === to) continue;
    const [updated] = await ctx.db
      .update(sandboxFlags)
      .set({ state: to, updatedBy, updatedAt: new Date() })
      .where(eq(sandboxFlags.key, row.key))
      .returning();
    if (!updated) throw notFound("The feature flag");
    changes.push({ key: row.key, from: row.state, to });
    await publishFlag(ctx, await presentOne(ctx.db, updated));
  }
  return changes;
}

/** The flags shown with a "preview — not validated" marker, by key. */
export async function flagsInPreview(db: Db): Promise<{ key: string; name: string }[]> {
  return db
    .select({ key: sandboxFlags.key, name: sandboxFlags.name })
    .from(sandboxFlags)
    .where(eq(sandboxFlags.state, "preview"))
    .orderBy(asc(sandboxFlags.key));
}

/**
 * Whether the build holds features that are not in a published release: a flag in preview, or a flag
 * switched on whose release is not published yet (a flag on without a release is a released feature).
 */
export async function hasUnreleasedFeatures(db: Db): Promise<boolean> {
  const rows = await db
    .select({ state: sandboxFlags.state, releaseId: sandboxFlags.releaseId })
    .from(sandboxFlags)
    .where(inArray(sandboxFlags.state, ["preview", "on"]));
  if (rows.some((row) => row.state === "preview")) return true;
  const linked = rows.flatMap((row) => (row.releaseId ? [row.releaseId] : []));
  const releases = await releaseRefs(db, [...new Set(linked)]);
  return linked.some((id) => releases.get(id)?.status !== "published");
}

/**
 * The guard of a flagged feature's routes: 404 `feature_disabled` when its flag is off (or was never
 * defined), else the state, so an answer can say `preview: true`. Switching off never deletes data.
 */
/** A flag as another module links to it: its key, name and state. */
export type FlagRef = { key: string; name: string; state: FlagState };

/**
 * Flags by key, for modules that link to a feature ("try it in the development environment"). No
 * gate: knowing a flag's name and state is not access to the sandbox, which keeps its own gate.
 */
export async function flagRefs(db: Db, keys: string[]): Promise<Map<string, FlagRef>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select({ key: sandboxFlags.key, name: sandboxFlags.name, state: sandboxFlags.state })
    .from(sandboxFlags)
    .where(inArray(sandboxFlags.key, [...new Set(keys)]));
  return new Map(rows.map((row) => [row.key, row]));
}

/** Every flag, by key, for the product team choosing one to link (an idea in preview). */
export async function allFlagRefs(db: Db): Promise<FlagRef[]> {
  return db
    .select({ key: sandboxFlags.key, name: sandboxFlags.name, state: sandboxFlags.state })
    .from(sandboxFlags)
    .orderBy(asc(sandboxFlags.key));
}

export async function requireFeature(ctx: Ctx, key: string): Promise<Exclude<FlagState, "off">> {
  const [flag] = await ctx.db
    .select({ name: sandboxFlags.name, state: sandboxFlags.state })
    .from(sandboxFlags)
    .where(eq(sandboxFlags.key, key));
  if (!flag || flag.state === "off")
    throw new AppError(
      "feature_disabled",
      `The ${flag?.name ?? key} feature is switched off in this environment.`,
    );
  return flag.state;
}
