/** Where a worker reports a pass that failed: the app's logger, or nothing (tests, the CLI). */
export type WorkerLog = { warn: (details: Record<string, unknown>, message: string) => void };

export const silentLog: WorkerLog = { warn: () => {} };

/** How long a pass asked for "soon" waits for others to join it: too short for a person to notice. */
const FLUSH_SOON_MS = 25;

/**
 * A background job that runs one pass at a time in this process: a pass asked for while another runs
 * starts when that one ends, so passes never overlap on one node (nodes share the work through the
 * pass's own claims, e.g. SKIP LOCKED). Once started it also runs a pass every interval, on a timer
 * that never keeps the process alive; stop() waits for the pass under way, so nothing runs after it.
 */
export class SerialWorker {
  private running: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;

  constructor(
    /** The worker's pass: what the timer and a bare flush() run. */
    private readonly pass: () => Promise<unknown>,
    private readonly log: WorkerLog,
    /** What the log says when a pass fails: names the worker. */
    private readonly failure: string,
  ) {}

  /** Runs `pass` once the passes before it have ended; resolves with its result, rejects with its error. */
  run<T>(pass: () => Promise<T>): Promise<T> {
    const run = this.running.then(pass);
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Runs a pass (the worker's own unless one is given) after those before; a failure is logged, never thrown. */
  flush(pass: () => Promise<unknown> = this.pass): Promise<void> {
    return this.run(pass).then(
      () => undefined,
      (error) => this.log.warn({ err: error }, this.failure),
    );
  }

  /**
   * Asks for the worker's pass within `delayMs`; asks made meanwhile join it. For "right after a
   * request answers": a pass is a transaction of its own even when there is nothing to do, and a busy
   * server answering hundreds of requests a second ran one after each of them.
   */
  flushSoon(delayMs = FLUSH_SOON_MS): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.flush();
    }, delayMs);
    this.soon.unref();
  }

  /** Runs the worker's pass every `intervalMs` until stopped; starting again while started changes nothing. */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Resolves when the passes asked for so far have ended. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Stops the timer, runs a pass asked for soon at once, and waits for the passes under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.soon) {
      clearTimeout(this.soon);
      this.soon = null;
      void this.flush();
    }
    await this.idle();
  }
}
