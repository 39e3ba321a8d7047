/**
 * Signed calls between Convene and the systems it talks to (release webhooks, the vendor's product):
 * one recipe both ways. A call is a JSON POST whose `x-convene-signature` is `sha256=` + the hex
 * HMAC-SHA256, under a shared secret, of `<x-convene-timestamp>.<raw body>`; `x-convene-event` names
 * what happened and `x-convene-delivery` is the same on every attempt of one delivery, so a receiver
 * drops repeats by it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-convene-signature";
export const TIMESTAMP_HEADER = "x-convene-timestamp";
export const EVENT_HEADER = "x-convene-event";
export const DELIVERY_HEADER = "x-convene-delivery";

/** How far a signed request's timestamp may be from our clock: older is a replay, newer a wrong clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/**
 * Multiples of a retry base after each failed attempt: with 30 s, 30 s, 2 min, 10 min, 1 h, 6 h, then
 * the last step again.
 */
export const RETRY_STEPS = [1, 4, 20, 120, 720] as const;

/** The delay before attempt `attempts + 1`, after `attempts` failures. */
export function retryDelayMs(
  baseMs: number,
  attempts: number,
  steps: readonly number[] = RETRY_STEPS,
): number {
  const step = steps[Math.min(Math.max(attempts, 1), steps.length) - 1] ?? 1;
  return baseMs * step;
}

/** `sha256=` + hex HMAC-SHA256 of `<timestamp>.<raw body>`: what `x-convene-signature` carries. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * Whether a request was signed with `secret` over exactly this raw body, recently: the answer says why
 * not (no signature, no or a malformed timestamp, a stale one, a wrong signature). The comparison takes
 * the same time whatever the signature's content, so it cannot be guessed a byte at a time.
 */
export function verifySignature(input: {
  secret: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  now?: Date;
}): SignatureCheck {
  const given = headerValue(input.headers[SIGNATURE_HEADER])?.trim();
  const timestamp = headerValue(input.headers[TIMESTAMP_HEADER])?.trim();
  if (!given) return { valid: false, reason: `The request carries no ${SIGNATURE_HEADER} header.` };
  if (!timestamp) return { valid: false, reason: `The request carries no ${TIMESTAMP_HEADER} header.` };
  if (!/^\d{1,12}$/.test(timestamp))
    return { valid: false, reason: `${TIMESTAMP_HEADER} must be the time in seconds since 1970 (UTC).` };
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS)
    return {
      valid: false,
      reason: `${TIMESTAMP_HEADER} is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from Convene's clock: a stale or replayed request.`,
    };
  const expected = Buffer.from(signature(input.secret, timestamp, input.body));
  const received = Buffer.from(given);
  // timingSafeEqual needs equal lengths; comparing the expected value with itself keeps the time the same.
  const same = received.length === expected.length && timingSafeEqual(received, expected);
  if (!same)
    return {
      valid: false,
      reason: `${SIGNATURE_HEADER} does not match the body: sign "<timestamp>.<raw body>" with HMAC-SHA256 and the shared secret.`,
    };
  return { valid: true };
}

export type SignedPost = {
  url: string;
  secret: string;
  event: string;
  /** The same on every attempt of one delivery. */
  deliveryId: string;
  /** The raw JSON body, signed exactly as sent. */
  body: string;
  timeoutMs: number;
  /** How much of a failing answer's body to keep (characters); none by default. */
  keepBody?: number;
  userAgent?: string;
};

/** How one POST ended: a 2xx is `ok`; anything else says what happened, in words and in parts. */
export type SignedPostOutcome = {
  ok: boolean;
  statusCode: number | null;
  /** No answer came within the timeout. */
  timedOut: boolean;
  /** Null when ok; else "The receiver answered 500.", "No answer within 10 s." or the network error. */
  error: string | null;
  /** The start of a failing answer's body (up to `keepBody` characters), else null. */
  body: string | null;
};

/** "60 s", "1.5 s", "0.2 s": whole seconds as they are, else to the tenth. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/**
 * The first `characters` of an answer's body, read no further than that whatever its size, then the
 * rest discarded so the connection is released. A body cut off (the timeout) gives what had come.
 */
async function bodyStart(response: Response, characters: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < characters) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // What had come is all there is.
  }
  await reader.cancel().catch(() => undefined);
  return text.slice(0, characters);
}

/**
 * POSTs a signed JSON body once, with a timeout, never following a redirect (a 3xx is a failure, not
 * a new address to send our signature to). Never throws: every ending is an outcome.
 */
export async function signedPost(call: SignedPost): Promise<SignedPostOutcome> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const response = await fetch(call.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": call.userAgent ?? "Convene-Webhooks/1",
        [EVENT_HEADER]: call.event,
        [DELIVERY_HEADER]: call.deliveryId,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signature(call.secret, timestamp, call.body),
      },
      body: call.body,
      redirect: "manual",
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    const ok = response.status >= 200 && response.status < 300;
    // Only a failure's body is of use (to say why); a success's is discarded unread.
    const body = await bodyStart(response, ok ? 0 : (call.keepBody ?? 0));
    return {
      ok,
      statusCode: response.status,
      timedOut: false,
      error: ok ? null : `The receiver answered ${response.status}.`,
      body: body || null,
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const message = timedOut
      ? `No answer within ${formatSeconds(call.timeoutMs)}.`
      : `${error instanceof Error ? error.message : String(error)}${cause}`;
    return { ok: false, statusCode: null, timedOut, error: message, body: null };
  }
}
