/**
 * The one client of the product's SCIM 2.0 endpoint (RFC 7644), for the provisioning worker and the
 * reconcile command alike: bearer token, `application/scim+json`, a timeout, and every failure (an
 * answer outside 2xx, no answer in time, no connection) as a typed result rather than a thrown error,
 * so callers record it and go on with the next person.
 */

export const SCIM_SCHEMAS = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  enterpriseUser: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  list: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patch: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
} as const;

const CONTENT_TYPE = "application/scim+json";
/** Users asked for per page when the whole list is read. */
const PAGE_SIZE = 100;

/** A SCIM resource as JSON. */
export type ScimResource = Record<string, unknown>;
/** A user as the product answers it: its id, and whatever else it keeps. */
export type ScimUser = ScimResource & { id: string };

export type ScimConnection = { url: string; token: string };

/** What a request came to: the answer's value, or why there is none (the status when there was one). */
export type ScimOutcome<T> = { ok: true; value: T } | { ok: false; status: number | null; error: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isUser = (value: unknown): value is ScimUser => isObject(value) && typeof value.id === "string";

/** A filter's string value, quoted as RFC 7644 3.4.2.2 writes one. */
const quoted = (value: string) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The product's refusal in words: its status and, from a SCIM error body, the detail it gave. */
function refusal(status: number, body: unknown): string {
  const detail = isObject(body) && typeof body.detail === "string" ? body.detail.trim() : "";
  return detail ? `The product answered ${status}: ${detail}` : `The product answered ${status}.`;
}

export class ScimClient {
  readonly timeoutMs: number;

  constructor(
    private readonly connection: ScimConnection,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** One request to `path` under the base address; the body of a 2xx answer as JSON (null when empty). */
  private async request(method: string, path: string, body?: ScimResource): Promise<ScimOutcome<unknown>> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.connection.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.token}`,
          accept: CONTENT_TYPE,
          ...(body ? { "content-type": CONTENT_TYPE } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      if (timedOut) return { ok: false, status: null, error: `No answer within ${this.timeoutMs / 1000} s.` };
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      const message = `${error instanceof Error ? error.message : String(error)}${cause}`;
      return { ok: false, status: null, error: `Could not reach the product (${message}).` };
    }
    let parsed: unknown = null;
    if (text.trim()) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (response.status < 200 || response.status > 299)
      return { ok: false, status: response.status, error: refusal(response.status, parsed) };
    return { ok: true, value: parsed };
  }

  /** A 2xx answer that must be a user; anything else is the product's mistake, reported as such. */
  private async userRequest(
    method: string,
    path: string,
    body: ScimResource,
  ): Promise<ScimOutcome<ScimUser>> {
    const outcome = await this.request(method, path, body);
    if (!outcome.ok) return outcome;
    if (!isUser(outcome.value))
      return { ok: false, status: null, error: `The product's answer to ${method} ${path} is not a user.` };
    return { ok: true, value: outcome.value };
  }

  /** One page of users, `filter` applied when given. */
  private async page(
    startIndex: number,
    count: number,
    filter?: string,
  ): Promise<ScimOutcome<{ users: ScimUser[]; total: number }>> {
    const query = new URLSearchParams({ startIndex: String(startIndex), count: String(count) });
    if (filter) query.set("filter", filter);
    const outcome = await this.request("GET", `/Users?${query}`);
    if (!outcome.ok) return outcome;
    const body = outcome.value;
    if (!isObject(body) || (body.Resources !== undefined && !Array.isArray(body.Resources)))
      return { ok: false, status: null, error: "The product's user list is not a SCIM list response." };
    const users = ((body.Resources as unknown[] | undefined) ?? []).filter(isUser);
    const total = typeof body.totalResults === "number" ? body.totalResults : users.length;
    return { ok: true, value: { users, total } };
  }

  /**
   * The user the product has for this person: first by externalId (Convene's id, set when we created
   * them), then by userName (someone the product had before Convene provisioned it); null for neither.
   */
  async findUser(person: { externalId: string; userName: string }): Promise<ScimOutcome<ScimUser | null>> {
    for (const filter of [
      `externalId eq ${quoted(person.externalId)}`,
      `userName eq ${quoted(person.userName)}`,
    ]) {
      const outcome = await this.page(1, 1, filter);
      if (!outcome.ok) return outcome;
      const [user] = outcome.value.users;
      if (user) return { ok: true, value: user };
    }
    return { ok: true, value: null };
  }

  /** Every user the product has, read a page at a time (startIndex and count). */
  async listUsers(): Promise<ScimOutcome<ScimUser[]>> {
    const users: ScimUser[] = [];
    for (let startIndex = 1; ; ) {
      const outcome = await this.page(startIndex, PAGE_SIZE);
      if (!outcome.ok) return outcome;
      users.push(...outcome.value.users);
      if (outcome.value.users.length === 0 || users.length >= outcome.value.total)
        return { ok: true, value: users };
      startIndex += outcome.value.users.length;
    }
  }

  createUser(resource: ScimResource): Promise<ScimOutcome<ScimUser>> {
    return this.userRequest("POST", "/Users", resource);
  }

  replaceUser(id: string, resource: ScimResource): Promise<ScimOutcome<ScimUser>> {
    return this.userRequest("PUT", `/Users/${encodeURIComponent(id)}`, resource);
  }

  /**
   * Turns a user's `active` off and changes nothing else: for a user Convene did not make, whose other
   * attributes are not Convene's to write.
   */
  async deactivateUser(id: string): Promise<ScimOutcome<null>> {
    const outcome = await this.request("PATCH", `/Users/${encodeURIComponent(id)}`, {
      schemas: [SCIM_SCHEMAS.patch],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    return outcome.ok ? { ok: true, value: null } : outcome;
  }
}
