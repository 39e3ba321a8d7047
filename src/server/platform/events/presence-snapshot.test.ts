import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PresenceSnapshots, presenceSnapshotParts } from "./presence-snapshot.js";

// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
const NOTIFY_PAYLOAD_LIMIT = 8000;

describe("presence snapshots", () => {
  it("fits a node with thousands of people online into notifications PostgreSQL accepts", () => {
    const online = Array.from({ length: 2500 }, () => randomUUID());
    const parts = presenceSnapshotParts("node-a", online);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThan(NOTIFY_PAYLOAD_LIMIT);
    }
  });

  it("puts a snapshot together from its parts in any order, and only once every part arrived", () => {
    const online = Array.from({ length: 400 }, () => randomUUID());
    const parts = presenceSnapshotParts("node-a", online).reverse();
    const snapshots = new PresenceSnapshots();
    const answers = parts.map((part) => snapshots.add(part));
    expect(answers.slice(0, -1)).toEqual(answers.slice(0, -1).map(() => null));
    expect([...(answers.at(-1) ?? [])].sort()).toEqual([...online].sort());
  });

  it("drops an unfinished snapshot when the node's next one starts", () => {
    const snapshots = new PresenceSnapshots();
    const [firstPart] = presenceSnapshotParts(
      "node-a",
      Array.from({ length: 300 }, () => randomUUID()),
    );
    expect(firstPart && snapshots.add(firstPart)).toBeNull();
    const later = ["a", "b"];
    const [whole] = presenceSnapshotParts("node-a", later).map((part) => snapshots.add(part));
    expect([...(whole ?? [])]).toEqual(later);
  });

  it("sends an empty list as one part, so a node with nobody online is heard too", () => {
    const snapshots = new PresenceSnapshots();
    const parts = presenceSnapshotParts("node-a", []);
    expect(parts).toHaveLength(1);
    expect(parts[0] && snapshots.add(parts[0])?.size).toBe(0);
  });
});
