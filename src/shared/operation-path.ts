/**
 * What the web app needs of an operation when it runs: where to send it and whether the answer is
 * JSON. It needs no zod, so the web build can ship the contracts without their schemas (vite.config.ts)
 * while the server validates every request and answer against them.
 */

/**
 * Answers that are not JSON: a file, a CSV, a feed, or lines streamed as they are ready. `ranges`: a
 * stored file, which answers a `Range` header with just those bytes (206), or 416 past its end.
 */
export type RawAnswer = { contentType: string; description: string; ranges?: true };

/** A file from the file store, sent with its own type; images inline, anything else as an attachment. */
export function storedFileAnswer(
  description: string,
  contentType = "application/octet-stream",
): RawAnswer & { ranges: true } {
  return { contentType, description, ranges: true };
}

/** A JSON answer is a zod schema, which has no content type. */
export const isRawAnswer = (response: unknown): response is RawAnswer =>
  typeof response === "object" && response !== null && "contentType" in response;

/** Puts the params into the path: `/api/tickets/:id` with `{ id }`; every value is URL-encoded. */
export function pathOf(
  op: { operationId: string; path: string },
  params: Record<string, unknown> = {},
): string {
  return op.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === null)
      throw new Error(`${op.operationId}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}
