import type { Actor } from "../../platform/context.js";
import type { ReleaseRow } from "./present.js";

/** Published releases are public; drafts are the product team's until they publish them. */
export function canSeeRelease(actor: Actor | null, release: Pick<ReleaseRow, "status">): boolean {
  return release.status === "published" || actor?.isStaff === true;
}

/** Only the product team writes, publishes and wires releases to other tools. */
export const canManageReleases = (actor: Actor) => actor.isStaff;

/** A published release is history: its notes went out by chat, mail, feed and webhooks as they were. */
export const isEditable = (release: Pick<ReleaseRow, "status">) => release.status === "draft";
