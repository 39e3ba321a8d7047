/**
 * A real SCIM 2.0 service provider (RFC 7644) standing in for the vendor's product in tests: node:http
 * on 127.0.0.1, a bearer token, /Users with list (filter `attr eq "value"`, joined by `or`; startIndex
 * and count), create, read, replace, patch and delete, SCIM error bodies and userName uniqueness. A
 * test can make the next requests fail (500) or hang past the client's timeout, read the users it
 * holds, and change them behind Convene's back (drift).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const SCHEMAS = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  list: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
};

export type ProductUser = Record<string, unknown> & { id: string; userName: string };
export type RecordedRequest = { method: string; path: string; body: unknown };

export type ScimProductServer = {
  /** The SCIM base address, as PRODUCT_SCIM_URL takes it. */
  url: string;
  token: string;
  /** The users it holds now, copies. */
  users: () => ProductUser[];
  /** The user with this userName (any case), or undefined. */
  userNamed: (userName: string) => ProductUser | undefined;
  /** Adds a user as if made in the product by hand; answers it with its id. */
  addUser: (resource: Record<string, unknown>) => ProductUser;
  /** Changes attributes of a user by hand. */
  changeUser: (id: string, changes: Record<string, unknown>) => void;
  /** Deletes a user by hand. */
  deleteUser: (id: string) => void;
  /**
   * The next `count` requests fail, after `after` more are answered: with 500 and a SCIM error, or by
   * never answering.
   */
  failNext: (count: number, how?: "error" | "hang", after?: number) => void;
  /** Every request received, oldest first (those refused or hung included). */
  requests: RecordedRequest[];
  close: () => Promise<void>;
};

class ScimRefusal extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }
}

const copy = <T>(value: T): T => structuredClone(value);

/** `userName eq "a" or externalId eq "b"`: the attribute and value of each comparison. */
function parseFilter(filter: string): { attribute: string; value: string }[] {
  return filter.split(/\s+or\s+/i).map((part) => {
    const match = /^\s*([A-Za-z.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(part);
    if (!match?.[1] || match[2] === undefined)
      throw new ScimRefusal(400, `Unsupported filter: ${filter}`, "invalidFilter");
    return { attribute: match[1], value: match[2].replace(/\\(.)/g, "$1") };
  });
}

function matches(user: ProductUser, comparison: { attribute: string; value: string }): boolean {
  const attribute = comparison.attribute.toLowerCase();
  // userName is case-insensitive (RFC 7643 4.1.1), externalId case-exact.
  if (attribute === "username") return user.userName.toLowerCase() === comparison.value.toLowerCase();
  if (attribute === "externalid") return user.externalId === comparison.value;
  if (attribute === "id") return user.id === comparison.value;
  throw new ScimRefusal(400, `Filtering on ${comparison.attribute} is not supported.`, "invalidFilter");
}

export async function startScimProductServer(options: { token?: string } = {}): Promise<ScimProductServer> {
  const token = options.token ?? "product-scim-token-for-tests";
  const users = new Map<string, ProductUser>();
  const requests: RecordedRequest[] = [];
  let failures: { count: number; how: "error" | "hang"; after: number } = {
    count: 0,
    how: "error",
    after: 0,
  };
  let base = "";

  const location = (id: string) => `${base}/Users/${id}`;

  const assertUniqueUserName = (userName: string, exceptId: string | null) => {
    for (const user of users.values())
      if (user.id !== exceptId && user.userName.toLowerCase() === userName.toLowerCase())
        throw new ScimRefusal(409, `userName ${userName} is already taken.`, "uniqueness");
  };

  const readResource = (body: unknown): Record<string, unknown> & { userName: string } => {
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new ScimRefusal(400, "The body is not a SCIM resource.", "invalidSyntax");
    const resource = body as Record<string, unknown>;
    if (typeof resource.userName !== "string" || !resource.userName.trim())
      throw new ScimRefusal(400, "userName is required.", "invalidValue");
    return resource as Record<string, unknown> & { userName: string };
  };

  const store = (id: string, resource: Record<string, unknown> & { userName: string }, created?: string) => {
    const now = new Date().toISOString();
    const { meta: _meta, id: _id, ...attributes } = resource;
    const user: ProductUser = {
      ...attributes,
      id,
      meta: { resourceType: "User", created: created ?? now, lastModified: now, location: location(id) },
    };
    users.set(id, user);
    return user;
  };

  const existing = (id: string): ProductUser => {
    const user = users.get(id);
    if (!user) throw new ScimRefusal(404, `User ${id} not found.`);
    return user;
  };

  function handle(method: string, url: URL, body: unknown): { status: number; body?: unknown } {
    const path = url.pathname.slice(url.pathname.indexOf("/scim/v2") + "/scim/v2".length);
    if (path === "/Users" && method === "GET") {
      const filter = url.searchParams.get("filter");
      const comparisons = filter ? parseFilter(filter) : [];
      const found = [...users.values()].filter(
        (user) => comparisons.length === 0 || comparisons.some((comparison) => matches(user, comparison)),
      );
      const startIndex = Math.max(1, Number(url.searchParams.get("startIndex") ?? 1) || 1);
      const count = Math.max(0, Number(url.searchParams.get("count") ?? 100) || 0);
      const page = found.slice(startIndex - 1, startIndex - 1 + count);
      return {
        status: 200,
        body: {
          schemas: [SCHEMAS.list],
          totalResults: found.length,
          startIndex,
          itemsPerPage: page.length,
          Resources: page.map(copy),
        },
      };
    }
    if (path === "/Users" && method === "POST") {
      const resource = readResource(body);
      assertUniqueUserName(resource.userName, null);
      return { status: 201, body: copy(store(randomUUID(), resource)) };
    }
    const single = /^\/Users\/([^/]+)$/.exec(path);
    if (single?.[1]) {
      const id = decodeURIComponent(single[1]);
      if (method === "GET") return { status: 200, body: copy(existing(id)) };
      if (method === "PUT") {
        const before = existing(id);
        const resource = readResource(body);
        assertUniqueUserName(resource.userName, id);
        return { status: 200, body: copy(store(id, resource, (before.meta as { created: string }).created)) };
      }
      if (method === "PATCH") {
        const user = existing(id);
        const operations = (body as { Operations?: unknown } | null)?.Operations;
        if (!Array.isArray(operations))
          throw new ScimRefusal(400, "A PatchOp needs Operations.", "invalidSyntax");
        for (const operation of operations as { op?: string; path?: string; value?: unknown }[]) {
          if (operation.op?.toLowerCase() !== "replace")
            throw new ScimRefusal(400, `Unsupported op: ${operation.op}`, "invalidValue");
          const changes =
            operation.path === undefined
              ? (operation.value as Record<string, unknown>)
              : { [operation.path]: operation.value };
          if (Object.keys(changes).some((key) => key !== "active"))
            throw new ScimRefusal(400, "Only active can be patched here.", "invalidPath");
          user.active = changes.active;
        }
        return { status: 200, body: copy(store(id, user, (user.meta as { created: string }).created)) };
      }
      if (method === "DELETE") {
        existing(id);
        users.delete(id);
        return { status: 204 };
      }
    }
    throw new ScimRefusal(404, `No ${method} ${path} here.`);
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const url = new URL(request.url ?? "/", base);
      requests.push({ method: request.method ?? "GET", path: `${url.pathname}${url.search}`, body });
      const answer = (status: number, payload?: unknown) => {
        if (payload === undefined) return response.writeHead(status).end();
        response.writeHead(status, { "content-type": "application/scim+json" }).end(JSON.stringify(payload));
      };
      const error = (status: number, detail: string, scimType?: string) =>
        answer(status, {
          schemas: [SCHEMAS.error],
          status: String(status),
          detail,
          ...(scimType ? { scimType } : {}),
        });
      if (failures.count > 0 && failures.after > 0) failures = { ...failures, after: failures.after - 1 };
      else if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        // Hung: the socket stays open until the client gives up or the server closes.
        if (failures.how === "hang") return;
        return error(500, "The product is having a bad day.");
      }
      if (request.headers.authorization !== `Bearer ${token}`) return error(401, "Bad bearer token.");
      try {
        const result = handle(request.method ?? "GET", url, body);
        answer(result.status, result.body);
      } catch (refusal) {
        if (!(refusal instanceof ScimRefusal)) throw refusal;
        error(refusal.status, refusal.message, refusal.scimType);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/scim/v2`;

  return {
    url: base,
    token,
    users: () => [...users.values()].map(copy),
    userNamed: (userName) =>
      copy([...users.values()].find((user) => user.userName.toLowerCase() === userName.toLowerCase())),
    addUser: (resource) => {
      const user = readResource({ schemas: [SCHEMAS.user], ...resource });
      assertUniqueUserName(user.userName, null);
      return copy(store(randomUUID(), user));
    },
    changeUser: (id, changes) => {
      const user = existing(id);
      store(id, { ...user, ...changes }, (user.meta as { created: string }).created);
    },
    deleteUser: (id) => {
      existing(id);
      users.delete(id);
    },
    failNext: (count, how = "error", after = 0) => {
      failures = { count, how, after };
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
