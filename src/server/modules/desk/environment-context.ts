import { sandboxPageProblem } from "../../../shared/sandbox-page.js";
import type { ActorCtx } from "../../platform/context.js";
import { AppError, invalid } from "../../platform/errors.js";
import { allFlagRefs, currentBuild, getStudy, getVolunteer, passesGate } from "../sandbox/index.js";
import type { EnvironmentContext } from "./contracts/tickets.js";

type EnvironmentRecord = NonNullable<EnvironmentContext["record"]>;

const RECORD_PAGES: { pattern: RegExp; type: EnvironmentRecord["type"] }[] = [
  { pattern: /^\/sandbox\/studies\/([0-9a-f-]{36})(?:\/|$)/i, type: "study" },
  { pattern: /^\/sandbox\/volunteers\/([0-9a-f-]{36})(?:\/|$)/i, type: "volunteer" },
];

/**
 * The record a sandbox page shows, with the label the person knows it by (a study's protocol number,
 * a volunteer's id), or null when the page names none or the person may not open it: the ticket is
 * read by their colleagues too, and must not tell them more than the person could see.
 */
async function recordOnPage(ctx: ActorCtx, page: string): Promise<EnvironmentRecord | null> {
  const named = RECORD_PAGES.flatMap(({ pattern, type }) => {
    const id = pattern.exec(page)?.[1];
    return id ? [{ type, id }] : [];
  })[0];
  if (!named || !(await passesGate(ctx))) return null;
  try {
    if (named.type === "study") {
      const study = await getStudy(ctx, named.id);
      return { ...named, label: `${study.protocolNumber} – ${study.title}` };
    }
    const volunteer = await getVolunteer(ctx, named.id);
    return { ...named, label: volunteer.displayId };
  } catch (error) {
    // Gone since, or not theirs to open: the ticket keeps the page without naming the record.
    if (error instanceof AppError) return null;
    throw error;
  }
}

/** Refuses a page that is not a development environment page, naming `context.page`. */
export function checkContextPage(page: string | undefined): void {
  if (page === undefined) return;
  const problem = sandboxPageProblem(page);
  if (problem) throw invalid({ "context.page": problem });
}

/**
 * The environment as the server knows it now, for a development-environment ticket: the build and
 * version that run, every flag's state, and the page (already checked) with the record it names.
 */
export async function snapshotEnvironment(
  ctx: ActorCtx,
  page: string | undefined,
): Promise<EnvironmentContext> {
  const build = await currentBuild(ctx.db);
  const flags = await allFlagRefs(ctx.db);
  return {
    buildId: build?.buildId ?? null,
    version: build?.version ?? null,
    flags: flags.map(({ key, name, state }) => ({ key, name, state })),
    page: page ?? null,
    record: page ? await recordOnPage(ctx, page) : null,
    recordedAt: new Date().toISOString(),
  };
}
