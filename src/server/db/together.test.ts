import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCommunity, type TestCommunity } from "../testing/harness.js";
import type { Db } from "./client.js";
import { readTogether } from "./together.js";

let community: TestCommunity;

beforeAll(async () => {
  community = await startTestCommunity();
}, 120_000);

afterAll(async () => {
  await community?.close();
});

/** Three reads that note when each starts and ends, and answer their own number. */
function numberedReads(db: Db, log: string[]) {
  return [1, 2, 3].map((n) => async () => {
    log.push(`start ${n}`);
    const result = (await db.execute(sql`select ${n}::int as n`)) as unknown as { rows: { n: number }[] };
    log.push(`end ${n}`);
    return result.rows[0]?.n;
  });
}

describe("reads together", () => {
  it("answer in the order they were given, each its own result", async () => {
    const log: string[] = [];
    expect(await readTogether(community.db, numberedReads(community.db, log))).toEqual([1, 2, 3]);
  });

  it("start all at once on the pool", async () => {
    const log: string[] = [];
    await readTogether(community.db, numberedReads(community.db, log));
    expect(log.slice(0, 3)).toEqual(["start 1", "start 2", "start 3"]);
  });

  it("run one after another inside a transaction, whose one connection runs one statement at a time", async () => {
    const log: string[] = [];
    const answers = await community.db.transaction((tx) =>
      readTogether(tx as unknown as Db, numberedReads(tx as unknown as Db, log)),
    );
    expect(answers).toEqual([1, 2, 3]);
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });
});
