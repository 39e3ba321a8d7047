import { and, asc, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Ctx } from "../../../platform/context.js";
import { countActiveSandboxUsers } from "../access/index.js";
import { countActiveVolunteers, countStudies } from "../clinical/index.js";
import { currentDeployment } from "./deployments.js";
import { flagsInPreview } from "./flags.js";
import type { EnvironmentView } from "./present.js";
import { sandboxWipes } from "./schema.js";
import { localEnvironment, wipeRunningElsewhere } from "./wipe-state.js";

/**
 * The environment's status for the banner on every sandbox page and the status page. It is not behind
 * the agreement gate: the banner shows on the agreement page too, and nothing here is anyone's data
 * (a build, flag names, wipe times and counts), so every signed-in person may read it.
 */
export async function environmentStatus(ctx: Ctx): Promise<EnvironmentView> {
  // The node running a wipe answers from memory: the wipe's transaction holds the database.
  const here = localEnvironment();
  if (here) return here;
  const db = ctx.db;
  const deployment = await currentDeployment(db);
  const [nextWipe] = await db
    .select({ id: sandboxWipes.id, scheduledFor: sandboxWipes.scheduledFor, message: sandboxWipes.message })
    .from(sandboxWipes)
    .where(eq(sandboxWipes.status, "scheduled"))
    .orderBy(asc(sandboxWipes.scheduledFor))
    .limit(1);
  const [lastWipe] = await db
    .select({ finishedAt: sandboxWipes.finishedAt, status: sandboxWipes.status })
    .from(sandboxWipes)
    .where(and(inArray(sandboxWipes.status, ["completed", "failed"]), isNotNull(sandboxWipes.finishedAt)))
    .orderBy(desc(sandboxWipes.finishedAt))
    .limit(1);
  const running = await wipeRunningElsewhere(ctx);
  // Another node is wiping: studies and volunteers are locked until it commits, so they are not counted.
  const studyCount = running ? null : await countStudies(db);
  const volunteerCount = running ? null : await countActiveVolunteers(db);
  const userCount = await countActiveSandboxUsers(db);
  return {
    build: deployment
      ? {
          buildId: deployment.buildId,
          version: deployment.version,
          deployedAt: deployment.deployedAt.toISOString(),
          unreleased: deployment.unreleased,
        }
      : null,
    flagsInPreview: await flagsInPreview(db),
    nextWipe: nextWipe
      ? { id: nextWipe.id, scheduledFor: nextWipe.scheduledFor.toISOString(), message: nextWipe.message }
      : null,
    lastWipe:
      lastWipe?.finishedAt && (lastWipe.status === "completed" || lastWipe.status === "failed")
        ? { finishedAt: lastWipe.finishedAt.toISOString(), status: lastWipe.status }
        : null,
    wipe: running ? { status: "running", step: null, done: null, total: null } : null,
    counts: {
      studies: studyCount,
      volunteers: volunteerCount,
      users: userCount,
    },
    productUrl: ctx.config.product.url ?? null,
  };
}
