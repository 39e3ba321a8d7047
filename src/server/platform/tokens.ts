import { createHash, randomBytes } from "node:crypto";

/**
 * 256 bits from the OS CSPRNG, URL-safe, after `prefix` (API tokens start `cvn_` so that secret
 * scanners recognise a leaked one). Only `hashToken(token)` is ever stored.
 */
export function newToken(prefix = ""): { token: string; tokenHash: string } {
  const token = `${prefix}${randomBytes(32).toString("base64url")}`;
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
