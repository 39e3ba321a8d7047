/**
 * The PHI guard on the other core: bulk writers (the synthetic baseline, the wipe that rewrites it)
 * hand each batch to a worker thread and write the previous batch meanwhile, so the guard's time
 * overlaps the generator's and the database's instead of adding to them. The worker runs the same
 * {@link guardRecord}, so it refuses exactly what the guard refuses in this thread, and names the same
 * record and field.
 */
import { Worker } from "node:worker_threads";
import { projectPath } from "../../../platform/project-files.js";
import { type FieldKind, guardRecord, type PhiFinding } from "./phi-guard.js";

export type GuardRequest = {
  id: number;
  records: Record<string, unknown>[];
  kinds: Record<string, FieldKind>;
  labels: Readonly<Record<string, string>>;
};

/** The first refused record of a batch (its index there and what the guard found), or null. */
export type GuardReply = {
  id: number;
  refused: { index: number; findings: PhiFinding[] } | null;
  guardMs: number;
};

export type BatchVerdict = Omit<GuardReply, "id">;

/** Guards batches in a worker thread, one after the other in the order they were sent. */
export class PhiGuardThread {
  // Found from the project's root: the compiled server is one file in dist/, away from this folder.
  private readonly worker = new Worker(projectPath("src/server/modules/sandbox/shared/phi-guard-worker.mjs"));
  private readonly waiting = new Map<
    number,
    { resolve: (reply: BatchVerdict) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | null = null;

  constructor() {
    this.worker.on("message", ({ id, ...verdict }: GuardReply) => {
      this.waiting.get(id)?.resolve(verdict);
      this.waiting.delete(id);
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) =>
      fail(new Error(`the PHI guard's worker thread stopped (exit code ${code})`)),
    );
  }

  /** Guards the records (copied to the worker as they are now); resolves with the batch's verdict. */
  guard(
    records: Record<string, unknown>[],
    kinds: Record<string, FieldKind>,
    labels: Readonly<Record<string, string>> = {},
  ): Promise<BatchVerdict> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<BatchVerdict>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, records, kinds, labels } satisfies GuardRequest);
    });
  }

  /** Ends the thread; every caller closes it when its batches are done (a live thread keeps the process up). */
  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}

/** The same verdict, worked out in this thread: for batches too small to be worth a thread. */
export function guardBatchHere(
  records: Record<string, unknown>[],
  kinds: Record<string, FieldKind>,
  labels: Readonly<Record<string, string>> = {},
): BatchVerdict {
  const started = performance.now();
  for (let index = 0; index < records.length; index++) {
    const findings = guardRecord(records[index] ?? {}, kinds, labels);
    if (findings.length > 0) return { refused: { index, findings }, guardMs: performance.now() - started };
  }
  return { refused: null, guardMs: performance.now() - started };
}
