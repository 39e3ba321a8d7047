import { AppError } from "./errors.js";
import type { Redis } from "./redis.js";

/** Per-key token buckets: `rate` tokens a second, up to `burst` saved; a full bucket for a new key. */
export interface TokenBuckets {
  /** Takes a token for `key`; false when the bucket is empty. */
  take(key: string): Promise<boolean>;
}

/**
 * What a limit does while Redis cannot be reached: "allow" lets the action through (the limit is a
 * courtesy, and refusing would stop everyone), "refuse" answers limits_unavailable (the limit is the
 * defence against abuse, and the person can retry in a moment).
 */
export type WhenUnavailable = "allow" | "refuse";

export type TokenBucketsOptions = {
  /** Names the limit in Redis keys and in log lines: "chat-posting". */
  name: string;
  rate: number;
  burst: number;
  whenUnavailable: WhenUnavailable;
  log: WarningLog;
};

/** Where a limit says Redis is unavailable: the app's logger. */
export type WarningLog = { warn(details: object, message: string): void };

/** Shared by every node when the app has a Redis connection, per node in memory otherwise. */
export function tokenBuckets(redis: Redis | undefined, options: TokenBucketsOptions): TokenBuckets {
  return redis ? new RedisTokenBuckets(redis, options) : new MemoryTokenBuckets(options.rate, options.burst);
}

/**
 * In this process's memory. Per node, which is enough for "a person posting too fast" on one node;
 * the limit a person meets is at most nodes x burst.
 */
export class MemoryTokenBuckets implements TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  async take(key: string, now = Date.now()): Promise<boolean> {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    if (this.buckets.size > 10_000) this.forgetFull(now);
    return true;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
    }
  }
}

/**
 * Refill and take in one script, so two nodes taking at once never both spend the last token. The
 * clock is Redis's own (TIME) unless the caller passes one, so nodes whose clocks differ still agree.
 * A bucket expires once it would be full again: a missing key is a full bucket.
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1]) or burst
local at = tonumber(saved[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
  at = now
end
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return taken
`;

type WithTakeCommand = Redis & {
  takeToken(key: string, rate: number, burst: number, now: string): Promise<number>;
};

/** Once a minute at most, so an outage writes a line a minute rather than one per request. */
const WARNING_INTERVAL_MS = 60_000;

/** In Redis under `throttle:<name>:<key>`: one allowance for every node. */
export class RedisTokenBuckets implements TokenBuckets {
  private readonly redis: WithTakeCommand;
  private lastWarning = 0;

  constructor(
    redis: Redis,
    private readonly options: TokenBucketsOptions,
  ) {
    if (!("takeToken" in redis)) redis.defineCommand("takeToken", { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.redis = redis as WithTakeCommand;
  }

  /** `now` (ms) replaces Redis's clock, for tests that step through time. */
  async take(key: string, now?: number): Promise<boolean> {
    const { name, rate, burst } = this.options;
    try {
      const taken = await this.redis.takeToken(
        `throttle:${name}:${key}`,
        rate,
        burst,
        now === undefined ? "" : String(now),
      );
      return taken === 1;
    } catch (error) {
      return this.unavailable(error as Error);
    }
  }

  private unavailable(error: Error): boolean {
    const { name, whenUnavailable, log } = this.options;
    if (Date.now() - this.lastWarning > WARNING_INTERVAL_MS) {
      this.lastWarning = Date.now();
      log.warn(
        { err: error },
        `Redis is unavailable: the ${name} limit ${whenUnavailable === "allow" ? "lets everything through" : "refuses everything"} until it is back`,
      );
    }
    if (whenUnavailable === "allow") return true;
    const refusal = new AppError("limits_unavailable", "This is briefly unavailable. Try again in a moment.");
    refusal.retryAfterSeconds = 5;
    throw refusal;
  }
}
