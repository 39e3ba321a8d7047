import cluster, { type Worker } from "node:cluster";

/**
 * `convene start --workers N`: N app processes on one machine sharing one port (node:cluster hands
 * each accepted connection to one of them). They are N nodes of the ordinary multi-node setup: each
 * hears every event through LISTEN/NOTIFY and delivers it to its own sockets, and background work
 * (mail, notifications, wipes, webhooks) is shared through SKIP LOCKED claims and advisory locks as it
 * is between machines. One process per core lifts the ceiling of a single Node event loop.
 *
 * In the primary: runs `prepare` once (migrations, demo seed, which must not race), then forks the
 * workers, replaces any that dies unasked, and on SIGINT/SIGTERM passes the signal on and exits when
 * all have stopped. Resolves true there, so the caller serves nothing itself. In a worker, and with
 * one worker, resolves false at once: the caller serves as usual. `serving` runs in the primary once
 * every worker listens: what is said once for the whole server (how to sign in) is said there.
 */
export async function superviseWorkers(
  count: number,
  options: { postgres: boolean; prepare: () => Promise<void>; serving?: () => void },
): Promise<boolean> {
  if (count <= 1 || cluster.isWorker) return false;
  // PGlite lives in one process: a second one cannot open its data directory.
  if (!options.postgres)
    throw new Error("--workers needs PostgreSQL (DATABASE_URL): the embedded database serves one process.");
  await options.prepare();
  let stopping = false;
  const running = new Set<Worker>();
  const fork = () => running.add(cluster.fork());
  cluster.on("exit", (worker, code, signal) => {
    running.delete(worker);
    if (stopping) {
      if (running.size === 0) process.exit(0);
      return;
    }
    console.warn(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    if (running.size === 0) process.exit(0);
    for (const worker of running) worker.process.kill(signal);
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  // Counted from the workers' own word, not cluster's "listening": a worker listens on more than the
  // app's port (group mail in the demo), so the first worker alone would count twice.
  let serving = 0;
  cluster.on("message", (_worker, message: unknown) => {
    if (message !== SERVING) return;
    // Said once, when the first `count` are up: until then connections reach only some of them.
    if (++serving !== count) return;
    console.log(`${count} workers serving`);
    options.serving?.();
  });
  for (let i = 0; i < count; i++) fork();
  return true;
}

const SERVING = "convene:serving";

/**
 * Tells the primary this worker's app listens, when it is a forked worker; answers whether it was
 * one, as then what is said once for the whole server is the primary's to say.
 */
export function announceServing(): boolean {
  if (!cluster.isWorker) return false;
  process.send?.(SERVING);
  return true;
}

/** `--workers`: a whole number from 1 up. */
export function parseWorkerCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--workers: a whole number from 1, not ${value}`);
  return count;
}
