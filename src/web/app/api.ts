/** The one way the web app talks to the server: JSON in and out, errors as `ApiError`. */
import type { Answer, Operation, Request as OperationRequest } from "../../shared/contract.js";
import { isRawAnswer, pathOf } from "../../shared/operation-path.js";

export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldErrors = {},
    /** What the client needs to resolve the error, e.g. the other side of an edit conflict. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** As JSON, message included: a page the server rendered with a refusal hands it to the browser. */
  toJSON() {
    const { status, code, message, fields, details } = this;
    return { status, code, message, fields, details };
  }

  /** The refusal `toJSON` wrote, or null for anything else. */
  static fromJSON(value: unknown): ApiError | null {
    if (typeof value !== "object" || value === null) return null;
    const { status, code, message, fields, details } = value as Record<string, unknown>;
    if (typeof status !== "number" || typeof code !== "string" || typeof message !== "string") return null;
    return new ApiError(
      status,
      code,
      message,
      (fields ?? {}) as FieldErrors,
      (details ?? {}) as Record<string, unknown>,
    );
  }
}

export const isApiError = (error: unknown, code?: string): error is ApiError =>
  error instanceof ApiError && (code === undefined || error.code === code);

type ErrorBody = { error?: { code?: unknown; message?: unknown; fields?: unknown; details?: unknown } };

async function toApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as ErrorBody | null;
  const error = body?.error;
  const code = typeof error?.code === "string" ? error.code : "http_error";
  const message =
    typeof error?.message === "string"
      ? error.message
      : `The server answered ${response.status} ${response.statusText}.`.trim();
  const fields =
    typeof error?.fields === "object" && error.fields !== null ? (error.fields as FieldErrors) : {};
  const details =
    typeof error?.details === "object" && error.details !== null
      ? (error.details as Record<string, unknown>)
      : {};
  return new ApiError(response.status, code, message, fields, details);
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
type Query = Record<string, string | number | null | undefined>;

/** Appends the query parameters that have a value; empty filters are left out. */
function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

type Transport = (path: string, init: RequestInit) => Promise<Response>;
let transport: Transport = (path, init) => fetch(path, init);

/**
 * Where requests go instead of the network: the server's first render of a page asks the server
 * itself, as the person who opened the page (entry-server.tsx).
 */
export function sendRequestsThrough(next: Transport): void {
  transport = next;
}

/** Sends a request with the CSRF header on writes; a failed answer becomes an `ApiError`. */
async function send(method: Method, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  const init: RequestInit = { method, headers, credentials: "same-origin" };
  if (method !== "GET") headers["x-convene-csrf"] = "1";
  if (body instanceof FormData) {
    // The browser writes the multipart content-type itself, boundary included.
    init.body = body;
  } else if (method !== "GET") {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body ?? {});
  }

  let response: Response;
  try {
    response = await transport(path, init);
  } catch {
    throw new ApiError(0, "network", "The server could not be reached. Check your connection and try again.");
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const text = await (await send(method, path, body)).text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Calls an operation of a module's contract: its path params, query and body are typed by the
 * contract, and so is the answer (a raw answer, such as a CSV, comes back as the unread `Response`).
 */
export async function callApi<const O extends Operation>(
  op: O,
  input: OperationRequest<O>,
): Promise<Answer<O>> {
  const { params, query, body, form } = input as {
    params?: Record<string, unknown>;
    query?: Query;
    body?: unknown;
    form?: FormData;
  };
  const path = withQuery(pathOf(op, params), query);
  if (isRawAnswer(op.response)) return (await send(op.method, path, form ?? body)) as Answer<O>;
  return request<Answer<O>>(op.method, path, form ?? body);
}
