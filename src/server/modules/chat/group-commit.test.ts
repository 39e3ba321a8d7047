import { describe, expect, it } from "vitest";
import { GroupCommit, type Outcome } from "./group-commit.js";

/** A writer that records the groups it was given; a job named "bad" fails any write it is part of. */
function recordingWriter() {
  const groups: string[][] = [];
  const writer = new GroupCommit<string, string>(
    async (jobs): Promise<Outcome<string>[]> => {
      groups.push(jobs);
      if (jobs.includes("bad")) throw new Error("the group rolled back");
      return jobs.map((job) => (job === "refused" ? { ok: false, error: job } : { ok: true, value: job }));
    },
    async (job) => {
      groups.push([job]);
      if (job === "bad") throw new Error("bad alone");
      return job;
    },
  );
  return { groups, writer };
}

describe("group commit", () => {
  it("writes a lone job at once, and the jobs that arrive meanwhile together in the next write", async () => {
    const { groups, writer } = recordingWriter();
    const results = await Promise.all(["a", "b", "c", "d"].map((job) => writer.write(job)));
    expect(results).toEqual(["a", "b", "c", "d"]);
    expect(groups).toEqual([["a"], ["b", "c", "d"]]);
  });

  it("gives a job refused within a group its own error while the others succeed", async () => {
    const { writer } = recordingWriter();
    const results = await Promise.allSettled(["a", "b", "refused", "c"].map((job) => writer.write(job)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : `error ${r.reason}`))).toEqual([
      "a",
      "b",
      "error refused",
      "c",
    ]);
  });

  it("writes a failed group again one job at a time, so only the job at fault fails", async () => {
    const { groups, writer } = recordingWriter();
    const results = await Promise.allSettled(["a", "b", "bad", "c"].map((job) => writer.write(job)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(groups).toEqual([["a"], ["b", "bad", "c"], ["b"], ["bad"], ["c"]]);
    // The writer goes on working afterwards.
    expect(await writer.write("d")).toBe("d");
  });
});
