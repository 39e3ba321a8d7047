import { eq } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../../platform/context.js";
import { invalid } from "../../../platform/errors.js";
import { announcementsChannelRef, openPublicChannel } from "../../chat/index.js";
import { type BaselineOptions, storeBaselinePayload } from "../data/index.js";
import type { SettingsChanges } from "./contracts/settings.js";
import { requireStaffOperator } from "./flags.js";
import type { SandboxSettingsView } from "./present.js";
import { sandboxSettings } from "./schema.js";

export const SETTINGS_CHANGED = "sandbox.settings_changed";

/** The one settings row; the table is empty until staff first change something. */
const SETTINGS_ID = 1;
const DEFAULT_WIPE_NOTICE_HOURS = 24;
/** The column defaults of the baseline options (migration 0007), before anything was seeded. */
const DEFAULT_BASELINE: BaselineOptions = { volunteers: 200, studies: 0, seed: 20260101 };

export type SandboxSettings = {
  noticeChannelId: string | null;
  wipeNoticeHours: number;
  updatedAt: Date | null;
};

/** The settings in force, the defaults before the first change. */
export async function loadSandboxSettings(db: Db): Promise<SandboxSettings> {
  const [row] = await db.select().from(sandboxSettings).where(eq(sandboxSettings.id, SETTINGS_ID));
  return row
    ? {
        noticeChannelId: row.noticeChannelId,
        wipeNoticeHours: row.wipeNoticeHours,
        // A row written only to remember the baseline (by a seed) is not a change staff made.
        updatedAt: row.updatedBy ? row.updatedAt : null,
      }
    : { noticeChannelId: null, wipeNoticeHours: DEFAULT_WIPE_NOTICE_HOURS, updatedAt: null };
}

/**
 * Where deployment and wipe notices go: the chosen channel while it is public and not archived, else
 * #announcements, so a notice never fails (or goes unseen) because a channel was archived later.
 */
export async function noticeChannel(db: Db): Promise<{ id: string; name: string }> {
  const { noticeChannelId } = await loadSandboxSettings(db);
  return (noticeChannelId && (await openPublicChannel(db, noticeChannelId))) || announcementsChannelRef(db);
}

async function presentSettings(db: Db): Promise<SandboxSettingsView> {
  const settings = await loadSandboxSettings(db);
  return {
    noticeChannelId: settings.noticeChannelId,
    noticeChannel: await noticeChannel(db),
    wipeNoticeHours: settings.wipeNoticeHours,
    updatedAt: settings.updatedAt?.toISOString() ?? null,
  };
}

export async function getSandboxSettings(ctx: ActorCtx): Promise<SandboxSettingsView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  return presentSettings(ctx.db);
}

export async function updateSandboxSettings(
  ctx: ActorCtx,
  changes: SettingsChanges,
): Promise<SandboxSettingsView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  if (changes.noticeChannelId && !(await openPublicChannel(ctx.db, changes.noticeChannelId)))
    throw invalid({
      noticeChannelId: "Choose a public channel that is not archived, or none for #announcements.",
    });
  if (
    changes.wipeNoticeHours !== undefined &&
    !(
      Number.isInteger(changes.wipeNoticeHours) &&
      changes.wipeNoticeHours >= 1 &&
      changes.wipeNoticeHours <= 720
    )
  )
    throw invalid({ wipeNoticeHours: "Give a notice period of 1 to 720 whole hours." });
  return inTransaction(ctx, async (tx) => {
    const before = await loadSandboxSettings(tx.db);
    const after = {
      noticeChannelId:
        changes.noticeChannelId === undefined ? before.noticeChannelId : changes.noticeChannelId,
      wipeNoticeHours: changes.wipeNoticeHours ?? before.wipeNoticeHours,
    };
    const values = { ...after, updatedBy: actor.id, updatedAt: new Date() };
    await tx.db
      .insert(sandboxSettings)
      .values({ id: SETTINGS_ID, ...values })
      .onConflictDoUpdate({ target: sandboxSettings.id, set: values });
    await recordAudit(tx, {
      action: SETTINGS_CHANGED,
      targetType: "sandbox_settings",
      details: {
        from: { noticeChannelId: before.noticeChannelId, wipeNoticeHours: before.wipeNoticeHours },
        to: after,
      },
    });
    return presentSettings(tx.db);
  });
}

/** The baseline a wipe restores: the options of the last `convene sandbox seed`, or the demo's. */
export async function loadBaselineOptions(db: Db): Promise<BaselineOptions> {
  const [row] = await db.select().from(sandboxSettings).where(eq(sandboxSettings.id, SETTINGS_ID));
  return row
    ? { volunteers: row.baselineVolunteers, studies: row.baselineStudies, seed: row.baselineSeed }
    : {
        volunteers: DEFAULT_BASELINE.volunteers,
        studies: DEFAULT_BASELINE.studies,
        seed: DEFAULT_BASELINE.seed,
      };
}

/**
 * Remembers the options a baseline was seeded with, so a wipe restores the same baseline, and keeps
 * that baseline's rows ready for the wipe to load (data/baseline-payload.ts), made as the given staff
 * seeder. The notice settings and who last changed them are left as they are.
 */
export async function rememberBaseline(ctx: ActorCtx, options: BaselineOptions): Promise<void> {
  const baseline = {
    baselineVolunteers: options.volunteers,
    baselineStudies: options.studies,
    baselineSeed: options.seed,
  };
  await inTransaction(ctx, async (tx) => {
    await storeBaselinePayload(tx, options);
    await tx.db
      .insert(sandboxSettings)
      .values({ id: SETTINGS_ID, ...baseline })
      .onConflictDoUpdate({ target: sandboxSettings.id, set: baseline });
  });
}
