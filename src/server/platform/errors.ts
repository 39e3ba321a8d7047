import { type ErrorCode, statusByCode } from "../../shared/errors.js";

export type { ErrorCode };

export type FieldErrors = Record<string, string>;
/** What a client needs to resolve the error beyond field messages (e.g. the other side of a conflict). */
export type ErrorDetails = Record<string, unknown>;

/** The one error type every module throws; its code maps to the HTTP status in `shared/errors.ts`. */
export class AppError extends Error {
  /** When the refusal is temporary: answered as Retry-After, in seconds. */
  retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return statusByCode[this.code];
  }
}

export const invalid = (fields: FieldErrors, message = "Some fields need attention.") =>
  new AppError("validation", message, fields);
export const notFound = (what: string) => new AppError("not_found", `${what} was not found.`);
export const forbidden = (message = "You are not allowed to do that.") => new AppError("forbidden", message);

/** Re-keys an error's fields under `prefix`, when a service's input is nested in a larger body. */
export function withFieldPrefix(error: unknown, prefix: string): unknown {
  if (!(error instanceof AppError) || !error.fields) return error;
  const fields = Object.fromEntries(
    Object.entries(error.fields).map(([name, message]) => [`${prefix}.${name}`, message]),
  );
  return new AppError(error.code, error.message, fields, error.details);
}
