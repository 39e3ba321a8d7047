import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../../platform/context.js";
import { type FieldErrors, invalid, notFound } from "../../../platform/errors.js";
import { publishEvent } from "../../../platform/events/publish.js";
import { userSummaries } from "../../accounts/index.js";
import { postNotice } from "../../chat/index.js";
import { gate, notifyEnvironmentPeople } from "../access/index.js";
import { deployed } from "./contracts/deployments.js";
import type { FlagChange, FlagState } from "./contracts/flags.js";
import { applyFlagStates, hasUnreleasedFeatures, requireStaffOperator } from "./flags.js";
import { type DeploymentRow, type DeploymentView, presentDeployment } from "./present.js";
import { sandboxDeployments } from "./schema.js";
import { noticeChannel } from "./settings.js";

export const DEPLOYMENT_RECORDED = "sandbox.deployment_recorded";

export const MAX_DEPLOYMENT_PAGE = 100;
const MAX_NOTES_LENGTH = 50_000;
/** A clock a little ahead of ours (the pipeline's) is fine; a deployment in the future is not. */
const FUTURE_TOLERANCE_MS = 60_000;

/**
 * Versions as the release pipeline writes them: `26.4`, `26.4.1`, with an optional pre-release
 * (`-rc.2`) and build (`+812`) tag, semver style; `26.4.0-build.812` is a pre-release tag too.
 */
const VERSION_PATTERN =
  /^\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
/** Build ids from CI: numbers, hashes, `26.3.0-build.700`; no spaces or Markdown. */
const BUILD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+/-]*$/;

export type DeploymentInput = {
  buildId: string;
  version: string;
  deployedAt?: Date | undefined;
  notes?: string | undefined;
  flags?: Record<string, FlagState> | undefined;
};

/** A pre-release or build tag marks a build that is not a release. */
export const isTaggedVersion = (version: string) => /[-+]/.test(version);

/**
 * Checked here rather than only in the route, because the CLI calls this service too; each problem
 * names its field. Flag keys and states are checked with the flags, under their row locks.
 */
function checkInput(input: DeploymentInput, now: Date): { buildId: string; version: string; notes: string } {
  const buildId = input.buildId.trim();
  const version = input.version.trim();
  const notes = (input.notes ?? "").trim();
  const fields: FieldErrors = {};
  if (!buildId) fields.buildId = "Enter the build id.";
  else if (buildId.length > 100) fields.buildId = "Use at most 100 characters.";
  else if (!BUILD_ID_PATTERN.test(buildId))
    fields.buildId = "Use letters, digits, dots, dashes, underscores, colons, slashes or plus signs.";
  if (!version) fields.version = "Enter the version.";
  else if (version.length > 60 || !VERSION_PATTERN.test(version))
    fields.version = "Use a version like 26.4, 26.4.1, 26.4-rc.2 or 26.4.0-build.812.";
  if (notes.length > MAX_NOTES_LENGTH) fields.notes = "Use at most 50,000 characters.";
  if (input.deployedAt) {
    if (Number.isNaN(input.deployedAt.getTime())) fields.deployedAt = "Enter a date and time.";
    else if (input.deployedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
      fields.deployedAt = "A deployment cannot be in the future.";
  }
  if (Object.keys(fields).length > 0) throw invalid(fields);
  return { buildId, version, notes };
}

/** The chat notice: one line a member can read at a glance, with a link to the history and notes. */
export function noticeBody(
  deployment: { version: string; buildId: string; flagChanges: FlagChange[] },
  historyUrl: string,
): string {
  const switched = deployment.flagChanges.map((change) => `${change.key} → ${change.to}`).join(", ");
  return `Deployed ${deployment.version} (build ${deployment.buildId}) to the development environment${
    switched ? `: ${switched}` : ""
  }. Notes: ${historyUrl}`;
}

async function presentDeployments(db: Db, rows: DeploymentRow[]): Promise<DeploymentView[]> {
  const people = await userSummaries(
    db,
    rows.map((row) => row.recordedBy),
  );
  return rows.map((row) => {
    const person = people.get(row.recordedBy);
    return presentDeployment(row, person ? { id: person.id, name: person.name } : null);
  });
}

/**
 * Records a deployment in one transaction: the flag changes it brings (only real changes are
 * listed), the row with its `unreleased` badge, the platform audit row, the notice in the configured
 * chat channel, and the real-time event. Any refusal leaves nothing written.
 */
export async function recordDeployment(ctx: ActorCtx, input: DeploymentInput): Promise<DeploymentView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  const now = new Date();
  const { buildId, version, notes } = checkInput(input, now);
  return inTransaction(ctx, async (tx) => {
    const flagChanges = await applyFlagStates(tx, input.flags ?? {});
    const unreleased = isTaggedVersion(version) || (await hasUnreleasedFeatures(tx.db));
    const [row] = await tx.db
      .insert(sandboxDeployments)
      .values({
        buildId,
        version,
        deployedAt: input.deployedAt ?? now,
        notes,
        flagChanges,
        unreleased,
        recordedBy: actor.id,
      })
      .returning();
    if (!row) throw new Error("the deployment was not written");
    await recordAudit(tx, {
      action: DEPLOYMENT_RECORDED,
      targetType: "sandbox_deployment",
      targetId: row.id,
      details: { buildId, version, flagChanges, unreleased },
    });
    const channel = await noticeChannel(tx.db);
    await postNotice(tx, {
      channelId: channel.id,
      // One notice per deployment, however often the transaction's caller retries.
      clientId: `sandbox-deployment:${row.id}`,
      body: noticeBody(row, `${ctx.config.publicUrl}/sandbox/deployments`),
    });
    const [view] = await presentDeployments(tx.db, [row]);
    if (!view) throw notFound("The deployment");
    if (flagChanges.length > 0)
      await notifyEnvironmentPeople(tx, {
        kind: "sandbox.deployment",
        item: { type: "deployment", id: row.id, title: `Deployed ${version}`, url: "/sandbox/deployments" },
        excerpt: flagChanges.map((change) => `${change.key} → ${change.to}`).join(", "),
      });
    await publishEvent(tx, deployed, { everyone: true }, { deployment: view });
    return view;
  });
}

export type DeploymentPage = { deployments: DeploymentView[]; nextBefore: string | null };

/** The history, newest first, a page at a time: `before` is the id of the last one already shown. */
export async function listDeployments(
  ctx: ActorCtx,
  page: { limit?: number | undefined; before?: string | undefined } = {},
): Promise<DeploymentPage> {
  await gate(ctx);
  const limit = Math.min(page.limit ?? 20, MAX_DEPLOYMENT_PAGE);
  let after: SQL | undefined;
  if (page.before) {
    const [cursor] = await ctx.db
      .select({ id: sandboxDeployments.id, deployedAt: sandboxDeployments.deployedAt })
      .from(sandboxDeployments)
      .where(eq(sandboxDeployments.id, page.before));
    if (!cursor) throw invalid({ before: "Page from a deployment of this list." });
    after = or(
      lt(sandboxDeployments.deployedAt, cursor.deployedAt),
      and(eq(sandboxDeployments.deployedAt, cursor.deployedAt), lt(sandboxDeployments.id, cursor.id)),
    );
  }
  const rows = await ctx.db
    .select()
    .from(sandboxDeployments)
    .where(after)
    .orderBy(desc(sandboxDeployments.deployedAt), desc(sandboxDeployments.id))
    .limit(limit + 1);
  const shown = rows.slice(0, limit);
  return {
    deployments: await presentDeployments(ctx.db, shown),
    nextBefore: rows.length > limit ? (shown.at(-1)?.id ?? null) : null,
  };
}

/** What runs now: the deployment with the latest deployment time, or null before the first. */
export async function currentDeployment(db: Db): Promise<DeploymentRow | null> {
  const [row] = await db
    .select()
    .from(sandboxDeployments)
    .orderBy(desc(sandboxDeployments.deployedAt), desc(sandboxDeployments.id))
    .limit(1);
  return row ?? null;
}

/** The build and version that run now, for whoever records what the environment was at a moment. */
export async function currentBuild(db: Db): Promise<{ buildId: string; version: string } | null> {
  const deployment = await currentDeployment(db);
  return deployment ? { buildId: deployment.buildId, version: deployment.version } : null;
}
