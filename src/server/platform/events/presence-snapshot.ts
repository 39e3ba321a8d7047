import { randomUUID } from "node:crypto";

/**
 * A node's list of who is online on it, in parts: a NOTIFY payload must stay under 8,000 bytes, which
 * a list of a few hundred ids already passes, and a refused notification would leave every other
 * node to forget this node's people when their snapshot expires.
 */
export type PresenceSnapshotPart = {
  type: "presence-snapshot";
  nodeId: string;
  snapshotId: string;
  part: number;
  parts: number;
  userIds: string[];
};

/** Ids a part carries: 150 ids of 36 characters, quoted and separated, are about 5.7 kB. */
const IDS_PER_PART = 150;

export function presenceSnapshotParts(nodeId: string, userIds: string[]): PresenceSnapshotPart[] {
  const snapshotId = randomUUID();
  const parts = Math.max(1, Math.ceil(userIds.length / IDS_PER_PART));
  return Array.from({ length: parts }, (_, part) => ({
    type: "presence-snapshot",
    nodeId,
    snapshotId,
    part,
    parts,
    userIds: userIds.slice(part * IDS_PER_PART, (part + 1) * IDS_PER_PART),
  }));
}

/**
 * Puts each node's snapshot together from its parts, in whatever order they arrive. A newer snapshot
 * of a node drops an unfinished older one, so a lost part costs one snapshot interval, nothing more.
 */
export class PresenceSnapshots {
  private readonly assembling = new Map<
    string,
    { snapshotId: string; parts: Set<number>; userIds: Set<string> }
  >();

  /** The node's whole list once its last missing part arrives; null until then. */
  add(part: PresenceSnapshotPart): Set<string> | null {
    let snapshot = this.assembling.get(part.nodeId);
    if (snapshot?.snapshotId !== part.snapshotId) {
      snapshot = { snapshotId: part.snapshotId, parts: new Set(), userIds: new Set() };
      this.assembling.set(part.nodeId, snapshot);
    }
    snapshot.parts.add(part.part);
    for (const id of part.userIds) snapshot.userIds.add(id);
    if (snapshot.parts.size < part.parts) return null;
    this.assembling.delete(part.nodeId);
    return snapshot.userIds;
  }
}
