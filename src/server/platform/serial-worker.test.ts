import { describe, expect, it } from "vitest";
import { SerialWorker, type WorkerLog } from "./serial-worker.js";

/** A promise the test settles by hand, to hold a pass open. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A log that keeps what it was told. */
function recordingLog() {
  const warnings: { details: Record<string, unknown>; message: string }[] = [];
  const log: WorkerLog = { warn: (details, message) => warnings.push({ details, message }) };
  return { log, warnings };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("a serial worker", () => {
  it("runs one pass for every ask made soon, within a few milliseconds", async () => {
    let passes = 0;
    const worker = new SerialWorker(async () => passes++, recordingLog().log, "pass failed");

    for (let ask = 0; ask < 50; ask++) worker.flushSoon(20);
    expect(passes).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(passes).toBe(1);

    worker.flushSoon(20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(passes).toBe(2);
  });

  it("runs a pass asked for soon when it is stopped, not after", async () => {
    let passes = 0;
    const worker = new SerialWorker(async () => passes++, recordingLog().log, "pass failed");

    worker.flushSoon(1000);
    await worker.stop();
    expect(passes).toBe(1);
  });

  it("runs a pass asked for while another runs only after that one has ended", async () => {
    const steps: string[] = [];
    const first = gate();
    const worker = new SerialWorker(async () => steps.push("own pass"), recordingLog().log, "pass failed");

    const held = worker.flush(async () => {
      steps.push("first starts");
      await first.opened;
      steps.push("first ends");
    });
    const next = worker.flush();
    await tick();
    expect(steps).toEqual(["first starts"]);

    first.open();
    await Promise.all([held, next]);
    expect(steps).toEqual(["first starts", "first ends", "own pass"]);
  });

  it("logs a failed pass and goes on with the passes after it", async () => {
    const { log, warnings } = recordingLog();
    let passes = 0;
    const worker = new SerialWorker(async () => passes++, log, "test pass failed");
    const failure = new Error("the database went away");

    await worker.flush(async () => {
      throw failure;
    });
    await worker.flush();

    expect(warnings).toEqual([{ details: { err: failure }, message: "test pass failed" }]);
    expect(passes).toBe(1);
  });

  it("hands the result or the error of run() to its caller, and later passes still run", async () => {
    const worker = new SerialWorker(async () => undefined, recordingLog().log, "pass failed");
    const refused = worker.run(async () => {
      throw new Error("refused");
    });
    const answered = worker.run(async () => 42);

    await expect(refused).rejects.toThrow("refused");
    expect(await answered).toBe(42);
  });

  it("waits on stop for the pass under way, and runs no pass on its timer after", async () => {
    const under = gate();
    let timedPasses = 0;
    const worker = new SerialWorker(async () => timedPasses++, recordingLog().log, "pass failed");
    worker.start(1);
    while (timedPasses < 2) await tick();

    let ended = false;
    void worker.flush(async () => {
      await under.opened;
      ended = true;
    });
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await tick();
    expect(stopped).toBe(false);

    under.open();
    await stopping;
    expect(ended).toBe(true);
    const afterStop = timedPasses;
    await tick();
    expect(timedPasses).toBe(afterStop);
  });
});
