import { eq, type SQL } from "drizzle-orm";
import type { Actor } from "../../platform/context.js";
import type { ReleaseRow } from "./present.js";
import { releases } from "./schema.js";

/** Published releases are public; drafts are the product team's until they publish them. */
export function canSeeRelease(actor: Actor | null, release: Pick<ReleaseRow, "status">): boolean {
  return release.status === "published" || actor?.isStaff === true;
}

/** The SQL form of `canSeeRelease`, for the one search. */
export const visibleReleases = (actor: Actor | null): SQL | undefined =>
  actor?.isStaff === true ? undefined : eq(releases.status, "published");

/** Only the product team writes, publishes and wires releases to other tools. */
export const canManageReleases = (actor: Actor) => actor.isStaff;

/** A published release is history: its notes went out by chat, mail, feed and webhooks as they were. */
export const isEditable = (release: Pick<ReleaseRow, "status">) => release.status === "draft";
