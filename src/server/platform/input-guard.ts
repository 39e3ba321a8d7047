import type { FastifyRequest } from "fastify";
import { invalid } from "./errors.js";

/**
 * Characters no text in Convene may hold: NUL (PostgreSQL cannot store it in text) and the other C0
 * and C1 control characters but tab, line feed and carriage return. Refused at the door, for every
 * route, so that no route can store them or fail on them later.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** The largest integer a PostgreSQL `integer` column holds; the inputs of this API are never larger. */
export const MAX_INT4 = 2_147_483_647;

type Problem = { field: string; message: string };

function problemIn(value: unknown, field: string, seen: Set<object>): Problem | null {
  if (typeof value === "string") {
    return CONTROL_CHARACTER.test(value)
      ? { field, message: "Remove the control character (such as NUL) from this text." }
      : null;
  }
  if (typeof value === "number") {
    return Number.isInteger(value) && Math.abs(value) > MAX_INT4
      ? { field, message: `Use a whole number between -${MAX_INT4} and ${MAX_INT4}.` }
      : null;
  }
  if (!value || typeof value !== "object" || seen.has(value)) return null;
  seen.add(value);
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  for (const [key, nested] of entries) {
    const problem = problemIn(nested, field ? `${field}.${key}` : key, seen);
    if (problem) return problem;
  }
  return null;
}

/**
 * The first value of `input` that an HTTP route's guard refuses (a control character in a text, an
 * integer beyond what the database stores), named by its key: for input that arrives another way,
 * such as e-mail, so it meets the same rule.
 */
export const unstorableInput = (input: Record<string, unknown>): Problem | null =>
  problemIn(input, "", new Set());

/** A digit string in a path that no integer column could hold (`/versions/2147483648`). */
function oversizedNumeral(value: unknown, field: string): Problem | null {
  if (typeof value !== "string" || !/^-?\d{10,}$/.test(value)) return null;
  return Math.abs(Number(value)) > MAX_INT4
    ? { field, message: `Use a whole number between -${MAX_INT4} and ${MAX_INT4}.` }
    : null;
}

/**
 * Checks the params, query and JSON body of a request before validation: a control character in any
 * text, or an integer beyond what the database stores, is a 400 naming the field.
 */
export async function refuseUnstorableInput(request: FastifyRequest): Promise<void> {
  const seen = new Set<object>();
  for (const [part, isPath] of [
    [request.params, true],
    [request.query, false],
  ] as const) {
    if (!part || typeof part !== "object") continue;
    for (const [name, value] of Object.entries(part)) {
      // A query may be search text made of digits ("?q=99999999999"); a path segment names a record.
      const problem = problemIn(value, name, seen) ?? (isPath ? oversizedNumeral(value, name) : null);
      if (problem) throw invalid({ [problem.field]: problem.message });
    }
  }
  const body = request.body;
  if (body && typeof body === "object" && !Buffer.isBuffer(body)) {
    const problem = problemIn(body, "", seen);
    if (problem) throw invalid({ [problem.field || "body"]: problem.message });
  }
}
