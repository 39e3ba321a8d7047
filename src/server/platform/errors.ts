/** The one error type every module throws; `errorStatus` maps its code to HTTP in one place. */
export type ErrorCode =
  | "validation"
  | "unauthenticated"
  | "totp_required"
  | "forbidden"
  | "agreement_required"
  | "csrf"
  | "not_found"
  | "feature_disabled"
  | "conflict"
  | "edit_conflict"
  | "gone"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "locked"
  | "sandbox_resetting";

const statusByCode: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  totp_required: 401,
  forbidden: 403,
  agreement_required: 403,
  csrf: 403,
  not_found: 404,
  // A switched-off feature answers like a route that does not exist; its data is kept.
  feature_disabled: 404,
  conflict: 409,
  // Saved from a version someone else has since replaced; `details` carries theirs and the difference.
  edit_conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  locked: 423,
  rate_limited: 429,
  // The development environment is being wiped; the answer carries Retry-After.
  sandbox_resetting: 503,
};

/** Seconds a client waits before retrying a route refused while the sandbox is being reset. */
export const RESETTING_RETRY_AFTER_SECONDS = 10;

export type FieldErrors = Record<string, string>;
/** What a client needs to resolve the error beyond field messages (e.g. the other side of a conflict). */
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
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
