import type { Redis } from "ioredis";
import type { Config } from "../config.js";

export type { Redis };

/** How long a limit check may wait for Redis before it counts as unavailable. */
const COMMAND_TIMEOUT_MS = 1000;

/**
 * The one Redis connection of an app, for the limits every node shares; undefined without REDIS_URL.
 * Every key carries REDIS_PREFIX (ioredis adds it, scripts' keys included), so tests and
 * installations sharing one Redis never meet. Commands fail at once while disconnected (no offline
 * queue, one retry, a short timeout): a limit check answers in a second at worst, and each caller
 * decides whether an unavailable Redis lets the request through or refuses it.
 */
export async function openRedis(
  config: Pick<Config, "redisUrl" | "redisPrefix">,
): Promise<Redis | undefined> {
  if (!config.redisUrl) return undefined;
  // Loaded only here: a node without REDIS_URL never holds the client.
  const { Redis } = await import("ioredis");
  const redis = new Redis(config.redisUrl, {
    keyPrefix: config.redisPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 5000,
    // Reconnects for as long as the app runs, at most every two seconds.
    retryStrategy: (attempts) => Math.min(attempts * 200, 2000),
  });
  // Without a listener ioredis reports each failed reconnect as an unhandled error event; the callers
  // that meet an unavailable Redis log it where it matters.
  redis.on("error", () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    // REDIS_URL asks for limits shared by every node; a node running on its own limits instead
    // would quietly multiply them, so it does not start.
    throw new Error(`REDIS_URL is set but Redis cannot be reached (${(error as Error).message}).`);
  }
  return redis;
}

/** Closes the connection, waiting for commands under way. */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}

/** Readiness: resolves when Redis answers PING within `timeoutMs`, rejects otherwise. */
export async function checkRedis(redis: Redis, timeoutMs = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  try {
    const answer = await Promise.race([redis.ping(), timeout]);
    if (answer !== "PONG") throw new Error(`Redis answered PING with ${answer}.`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether `error` is Redis being unreachable or too slow rather than a bug: ioredis refusing a command
 * while disconnected (no offline queue), a closed connection, a timeout, or retries run out.
 */
export function isRedisUnavailable(redis: Redis, error: unknown): boolean {
  const { name, message = "" } = error as Partial<Error>;
  return (
    redis.status !== "ready" ||
    name === "MaxRetriesPerRequestError" ||
    message === "Command timed out" ||
    message === "Connection is closed." ||
    message.includes("enableOfflineQueue")
  );
}
