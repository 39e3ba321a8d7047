import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { AppError } from "./errors.js";
import { checkRedis, closeRedis, openRedis } from "./redis.js";
import { MemoryTokenBuckets, RedisTokenBuckets, type TokenBucketsOptions, tokenBuckets } from "./throttle.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** This file's own keys, removed at the end, so runs and other tests sharing the Redis never meet. */
const prefix = `convene-test:throttle:${randomUUID()}:`;
const quiet = { warn: () => undefined };
const options = (overrides: Partial<TokenBucketsOptions> = {}): TokenBucketsOptions => ({
  name: "test",
  rate: 1,
  burst: 3,
  whenUnavailable: "allow",
  log: quiet,
  ...overrides,
});

let one: Redis;
let two: Redis;

async function takeAll(
  buckets: { take(key: string, now?: number): Promise<boolean> },
  key: string,
  now: number,
) {
  const taken: boolean[] = [];
  for (let i = 0; i < 5; i++) taken.push(await buckets.take(key, now));
  return taken;
}

beforeAll(async () => {
  const config = { redisUrl, redisPrefix: prefix };
  one = (await openRedis(config)) as Redis;
  two = (await openRedis(config)) as Redis;
});

afterAll(async () => {
  // A connection without the prefix, since ioredis would add it to the keys KEYS answers with.
  const cleaner = new Redis(redisUrl);
  const keys = await cleaner.keys(`${prefix}*`);
  if (keys.length > 0) await cleaner.del(...keys);
  await cleaner.quit();
  await Promise.all([closeRedis(one), closeRedis(two)]);
});

describe("token buckets in Redis", () => {
  it("gives a new key its burst, then refuses until time refills a token", async () => {
    const buckets = new RedisTokenBuckets(one, options());
    const start = 1_000_000;
    expect(await takeAll(buckets, "burst", start)).toEqual([true, true, true, false, false]);
    expect(await buckets.take("burst", start + 999)).toBe(false);
    expect(await buckets.take("burst", start + 1000)).toBe(true);
    expect(await buckets.take("burst", start + 1000)).toBe(false);
  });

  it("refills at the rate but never beyond the burst", async () => {
    const buckets = new RedisTokenBuckets(one, options({ rate: 2 }));
    const start = 2_000_000;
    await takeAll(buckets, "refill", start);
    // 1.5 s at two a second is three tokens.
    expect(await takeAll(buckets, "refill", start + 1500)).toEqual([true, true, true, false, false]);
    // An hour later the bucket holds its burst, not 7200 tokens.
    expect(await takeAll(buckets, "refill", start + 3_600_000)).toEqual([true, true, true, false, false]);
  });

  it("answers as the memory buckets do for the same takes", async () => {
    const redis = new RedisTokenBuckets(one, options({ rate: 0.5, burst: 2 }));
    const memory = new MemoryTokenBuckets(0.5, 2);
    const times = [0, 0, 0, 1000, 2000, 2000, 2500, 6000, 6000, 6000, 6001];
    const start = 3_000_000;
    for (const time of times) {
      expect(await redis.take("same", start + time)).toBe(await memory.take("same", start + time));
    }
  });

  it("keeps each key's bucket apart and each name's apart", async () => {
    const chat = new RedisTokenBuckets(one, options({ name: "chat", burst: 1 }));
    const mail = new RedisTokenBuckets(one, options({ name: "mail", burst: 1 }));
    const start = 4_000_000;
    expect(await chat.take("ann", start)).toBe(true);
    expect(await chat.take("ann", start)).toBe(false);
    expect(await chat.take("bob", start)).toBe(true);
    expect(await mail.take("ann", start)).toBe(true);
  });

  it("never lets two clients taking at once exceed the allowance together", async () => {
    const burst = 40;
    const key = `race-${randomUUID()}`;
    // A rate so slow that no token refills during the test; Redis's own clock is used.
    const onOne = new RedisTokenBuckets(one, options({ rate: 0.0001, burst }));
    const onTwo = new RedisTokenBuckets(two, options({ rate: 0.0001, burst }));
    const takes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? onOne : onTwo).take(key)),
    );
    expect(takes.filter(Boolean)).toHaveLength(burst);
  });

  it("lets a bucket's key expire once it would be full again", async () => {
    const buckets = new RedisTokenBuckets(one, options({ name: "expiry", rate: 10, burst: 2 }));
    await buckets.take("ann");
    const ttl = await one.pttl("throttle:expiry:ann");
    expect(ttl).toBeGreaterThan(0);
    // One token short of full at ten a second: 100 ms, plus the second of slack.
    expect(ttl).toBeLessThanOrEqual(1100);
  });

  it("is kept in memory, per node, without a Redis connection", async () => {
    const buckets = tokenBuckets(undefined, options());
    expect(buckets).toBeInstanceOf(MemoryTokenBuckets);
    expect(tokenBuckets(one, options())).toBeInstanceOf(RedisTokenBuckets);
  });
});

describe("while Redis is unavailable", () => {
  let gone: Redis;
  beforeAll(async () => {
    gone = (await openRedis({ redisUrl, redisPrefix: prefix })) as Redis;
    gone.disconnect();
  });

  it("lets the action through when the limit allows, with one warning", async () => {
    const warnings: string[] = [];
    const buckets = new RedisTokenBuckets(
      gone,
      options({ log: { warn: (_details, message) => void warnings.push(message) } }),
    );
    expect(await takeAll(buckets, "ann", 5_000_000)).toEqual([true, true, true, true, true]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("the test limit lets everything through");
  });

  it("refuses with limits_unavailable and Retry-After when the limit refuses", async () => {
    const buckets = new RedisTokenBuckets(gone, options({ whenUnavailable: "refuse" }));
    const refusal = await buckets.take("ann").catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe("limits_unavailable");
    expect((refusal as AppError).status).toBe(503);
    expect((refusal as AppError).retryAfterSeconds).toBe(5);
  });

  it("fails the readiness check, which passes on a live connection", async () => {
    await expect(checkRedis(gone)).rejects.toThrow();
    await expect(checkRedis(one)).resolves.toBeUndefined();
  });
});

describe("REDIS_URL and REDIS_PREFIX", () => {
  it("are off and 'convene:' unless set", () => {
    const config = loadConfig({});
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisPrefix).toBe("convene:");
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379/2", REDIS_PREFIX: "site-a:" })).toMatchObject({
      redisUrl: "redis://127.0.0.1:6379/2",
      redisPrefix: "site-a:",
    });
  });

  it("refuses an address that is not redis:// or rediss://", () => {
    expect(() => loadConfig({ REDIS_URL: "http://127.0.0.1:6379" })).toThrow(/REDIS_URL/);
  });

  it("refuses to open when Redis cannot be reached", async () => {
    await expect(openRedis({ redisUrl: "redis://127.0.0.1:1", redisPrefix: prefix })).rejects.toThrow(
      /REDIS_URL is set but Redis cannot be reached/,
    );
  });
});

describe("TRUST_PROXY", () => {
  it("is false unless set, and takes true, false or the proxies' addresses", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, 127.0.0.1,loopback" }).trustProxy).toEqual([
      "10.0.0.0/8",
      "127.0.0.1",
      "loopback",
    ]);
  });

  it("refuses a hop count, which Fastify would quietly treat as trusting no proxy", () => {
    expect(() => loadConfig({ TRUST_PROXY: "2" })).toThrow(/TRUST_PROXY: .*not a hop count/);
    expect(() => loadConfig({ TRUST_PROXY: "proxy.example" })).toThrow(/TRUST_PROXY/);
  });
});
