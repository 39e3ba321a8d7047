/**
 * The PHI guard on the other cores: bulk writers (the synthetic baseline, the wipe that rewrites it)
 * hand batches to worker threads and write the previous batch meanwhile, so the guard's time
 * overlaps the generator's and the database's instead of adding to them. The worker runs the same
 * {@link guardRecord}, so it refuses exactly what the guard refuses in this thread, and names the same
 * record and field.
 */
import { availableParallelism } from "node:os";
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

/** What a worker sends once it has loaded the guard. */
export const WORKER_READY = "ready";

/**
 * Guards batches on worker threads: a batch goes to the thread with the fewest batches waiting, so
 * two batches sent together are guarded at the same time. Each batch's answer is its own, whichever
 * thread gave it.
 */
export class PhiGuardThreads {
  private readonly workers: GuardWorker[];
  private nextId = 0;

  /** One thread per core this process may use, at most `most`. */
  constructor(most = 1) {
    const count = Math.max(1, Math.min(most, availableParallelism()));
    this.workers = Array.from({ length: count }, () => new GuardWorker());
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Whether a thread has loaded the guard. Loading takes a few hundred milliseconds, longer than a small
   * batch takes to guard here, so a writer guards its first batches here until one has.
   */
  get ready(): boolean {
    return this.workers.some((worker) => worker.ready);
  }

  /** Guards the records (copied to a worker as they are now); resolves with the batch's verdict. */
  guard(
    records: Record<string, unknown>[],
    kinds: Record<string, FieldKind>,
    labels: Readonly<Record<string, string>> = {},
  ): Promise<BatchVerdict> {
    const idlest = this.workers.reduce((best, worker) => (worker.waiting < best.waiting ? worker : best));
    return idlest.guard({ id: this.nextId++, records, kinds, labels });
  }

  /** Ends the threads; every caller closes them when its batches are done (a live thread keeps the process up). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}

/** One worker thread and the batches it has been sent and not yet answered. */
class GuardWorker {
  // Found from the project's root: the compiled server is one file in dist/, away from this folder.
  private readonly worker = new Worker(projectPath("src/server/modules/sandbox/shared/phi-guard-worker.mjs"));
  private readonly pending = new Map<
    number,
    { resolve: (reply: BatchVerdict) => void; reject: (error: Error) => void }
  >();
  private failure: Error | null = null;
  ready = false;

  constructor() {
    this.worker.on("message", (message: GuardReply | typeof WORKER_READY) => {
      if (message === WORKER_READY) {
        this.ready = true;
        return;
      }
      const { id, ...verdict } = message;
      this.pending.get(id)?.resolve(verdict);
      this.pending.delete(id);
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) =>
      fail(new Error(`the PHI guard's worker thread stopped (exit code ${code})`)),
    );
  }

  get waiting(): number {
    return this.pending.size;
  }

  guard(request: GuardRequest): Promise<BatchVerdict> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<BatchVerdict>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

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
