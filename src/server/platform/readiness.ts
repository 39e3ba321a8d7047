import type { FastifyBaseLogger } from "fastify";
import { AppError } from "./errors.js";

/** Resolves when what it checks is usable, rejects (or outlasts the timeout) when not. */
export type ReadinessCheck = () => Promise<void>;

/** Longer than a healthy check ever takes, shorter than a load balancer's probe period. */
export const READINESS_TIMEOUT_MS = 2000;

export type CheckStatus = "ok" | "failed" | "timed out";

class CheckTimedOut extends Error {}

function withTimeout(check: ReadinessCheck, milliseconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimedOut(`no answer within ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([check(), expired]).finally(() => clearTimeout(timer));
}

/**
 * Whether this node should be sent traffic: every registered check passes (the database, and what
 * the app is given, such as Redis or object storage) and it is not shutting down. Checks are named
 * in the answer; why one failed goes to the log only, since the answer is public.
 */
export class Readiness {
  /** Registered by name: `app.readiness.checks.set("redis", () => redis.ping().then(() => {}))`. */
  readonly checks = new Map<string, ReadinessCheck>();
  private drainingSince: Date | null = null;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly timeoutMs = READINESS_TIMEOUT_MS,
  ) {}

  /** From now on the node answers "draining": shutdown has begun. */
  drain(): void {
    this.drainingSince ??= new Date();
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  private drainingError(): AppError {
    return new AppError("draining", "This node is shutting down; send traffic elsewhere.", undefined, {
      since: this.drainingSince?.toISOString(),
    });
  }

  /** Runs every check at once; throws `draining` or `not_ready` (503), naming each check's status. */
  async assertReady(): Promise<Record<string, "ok">> {
    if (this.drainingSince) throw this.drainingError();
    const names = [...this.checks.keys()];
    const outcomes = await Promise.allSettled(
      [...this.checks.values()].map((check) => withTimeout(check, this.timeoutMs)),
    );
    const checks: Record<string, CheckStatus> = {};
    const failed: string[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      const name = names[index] ?? "";
      if (outcome.status === "fulfilled") {
        checks[name] = "ok";
        continue;
      }
      const error: unknown = outcome.reason;
      checks[name] = error instanceof CheckTimedOut ? "timed out" : "failed";
      failed.push(name);
      this.log.warn({ err: error, check: name }, "readiness check failed");
    }
    // Shutdown may have begun while the checks ran.
    if (this.drainingSince) throw this.drainingError();
    if (failed.length > 0)
      throw new AppError("not_ready", `Not ready: ${failed.join(", ")} failed.`, undefined, { checks });
    return checks as Record<string, "ok">;
  }
}
