/**
 * The worker side of phi-guard-thread.ts: guards each batch of records it is sent, in order, and
 * answers with the first refused record (its index in the batch and its findings) or none.
 */
import { parentPort } from "node:worker_threads";
import { type GuardReply, type GuardRequest, guardBatchHere, WORKER_READY } from "./phi-guard-thread.js";

const port = parentPort;
if (!port) throw new Error("phi-guard-worker.ts runs as a worker thread");

port.on("message", ({ id, records, kinds, labels }: GuardRequest) => {
  port.postMessage({ id, ...guardBatchHere(records, kinds, labels) } satisfies GuardReply);
});
// Loaded: from now on a batch is guarded as soon as it arrives.
port.postMessage(WORKER_READY);
