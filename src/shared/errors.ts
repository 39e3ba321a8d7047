import { isRawAnswer } from "./operation-path.js";

/**
 * The error codes of the one error shape and the HTTP status of each: the server maps with it, the
 * OpenAPI document lists the answers an operation may give, and the web can tell codes apart.
 */
export const statusByCode = {
  validation: 400,
  // The request itself is malformed (not its fields): a bad URL, a broken request line.
  bad_request: 400,
  unauthenticated: 401,
  // The password was right; the account asks for a second factor too (`details` says which it has).
  second_factor_required: 401,
  forbidden: 403,
  agreement_required: 403,
  // Password sign-in is off for the person's organisation: they sign in through its identity provider.
  organisation_sign_in_required: 403,
  csrf: 403,
  not_found: 404,
  // A switched-off feature answers like a route that does not exist; its data is kept.
  feature_disabled: 404,
  conflict: 409,
  // Saved from a version someone else has since replaced; `details` carries theirs and the difference.
  edit_conflict: 409,
  timeout: 408,
  gone: 410,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  // A download's Range lies past the file's end; Content-Range says how long the file is.
  range_not_satisfiable: 416,
  rate_limited: 429,
  headers_too_large: 431,
  // An organisation's identity provider could not be reached or answered what Convene cannot use.
  identity_provider_unavailable: 502,
  // The development environment is being wiped; the answer carries Retry-After.
  sandbox_resetting: 503,
  // A readiness check failed (`details.checks` names each check's status): send traffic elsewhere.
  not_ready: 503,
  // The node is shutting down: it finishes what it has and takes nothing new.
  draining: 503,
  // Redis, which holds the limits every node shares, cannot be reached; the answer carries Retry-After.
  limits_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof statusByCode;

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * What errorsOf reads of an operation: an `OperationSpec`, spelled out here because contract.ts imports
 * ErrorCode from this file, and a type-only import back would close a circle.
 */
type ErrorSource = {
  method: string;
  access: string;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  form?: true;
  csrf?: false;
  errors?: readonly ErrorCode[];
  response?: unknown;
};

/**
 * The error answers an operation documents, by status: what every route of its kind can answer
 * (bad input, not signed in, not allowed, not found, a conflicting write, too large an upload),
 * plus the codes its contract names.
 */
export function errorsOf(op: ErrorSource): Map<number, ErrorCode[]> {
  const codes = new Set<ErrorCode>(op.errors ?? []);
  if (op.params || op.query || op.body) codes.add("validation");
  if (op.access !== "public") {
    codes.add("unauthenticated");
    codes.add("forbidden");
  }
  if (WRITES.has(op.method) && op.csrf !== false) codes.add("csrf");
  if (op.params) codes.add("not_found");
  if (WRITES.has(op.method) && op.access !== "public") codes.add("conflict");
  if (op.body === "multipart" || op.form) codes.add("payload_too_large");
  if (isRawAnswer(op.response) && op.response.ranges) codes.add("range_not_satisfiable");
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = statusByCode[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}
