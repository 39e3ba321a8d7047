import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../testing/harness.js";

let community: TestCommunity;
let staff: Client;
let baseUrl: string;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  baseUrl = await community.listen();
});
afterAll(() => community.close());

type OpenApi = { paths: Record<string, Record<string, unknown>> };
const WRITES = ["post", "put", "patch", "delete"];

/** Every write operation of the live API document, with its path params filled by `fill`. */
async function writeRoutes(fill: (param: string) => string): Promise<{ method: string; url: string }[]> {
  const document = (await community.anonymous().get("/api/openapi.json")).json() as OpenApi;
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => WRITES.includes(method))
      .map((method) => ({
        method: method.toUpperCase(),
        url: path.replace(/\{([^}]+)\}/g, (_m, name) => fill(name)),
      })),
  );
}

const send = (method: string, url: string, payload: unknown) =>
  community.app.inject({
    method: method as "POST",
    url,
    headers: { cookie: staff.cookie ?? "", "x-convene-csrf": "1", "content-type": "application/json" },
    payload: JSON.stringify(payload),
  });

describe("text and numbers the database cannot store", () => {
  it("refuses a NUL character in the body of every write route with a 400 naming the field", async () => {
    const routes = await writeRoutes(() => "0190a5f1-8c1e-7aaa-8bbb-123456789abc");
    expect(routes.length).toBeGreaterThan(50);
    const wrong: string[] = [];
    for (const { method, url } of routes) {
      const response = await send(method, url, { probe: "before\u0000after" });
      const body = response.json();
      if (response.statusCode !== 400 || body.error?.fields?.probe === undefined)
        wrong.push(`${method} ${url}: ${response.statusCode} ${response.body.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("refuses %00 in a path parameter on every route that has one, and on the public release page", async () => {
    const routes = (await writeRoutes(() => "%00")).filter(({ url }) => url.includes("%00"));
    const wrong: string[] = [];
    for (const { method, url } of routes) {
      const response = await send(method, url, {});
      if (response.statusCode !== 400) wrong.push(`${method} ${url}: ${response.statusCode}`);
    }
    expect(wrong).toEqual([]);
    const release = await community.anonymous().get("/api/releases/%00");
    expect(release.statusCode).toBe(400);
    expect(release.json().error.fields).toHaveProperty("version");
  });

  it("refuses other control characters but keeps tab, line feed and carriage return", async () => {
    const bell = await staff.post("/api/admin/webhooks", {
      name: "ring\u0007",
      url: "https://example.com/hook",
    });
    expect(bell.statusCode).toBe(400);
    expect(bell.json().error.fields).toHaveProperty("name");
    const spaced = await staff.post("/api/admin/webhooks", {
      name: "tab\tand\r\nlines",
      url: "https://example.com/hook",
    });
    expect(spaced.statusCode).toBe(201);
  });

  it("refuses an integer beyond PostgreSQL's integer in a body, naming it, and lets search text of digits through", async () => {
    const inPath = await send("POST", "/api/admin/releases/0190a5f1-8c1e-7aaa-8bbb-123456789abc/publish", {});
    expect(inPath.statusCode).toBe(404);
    const inBody = await send("POST", "/api/admin/webhooks", {
      name: "n",
      url: "https://example.com/h",
      size: 2147483648,
    });
    expect(inBody.statusCode).toBe(400);
    expect(inBody.json().error.fields).toHaveProperty("size");
    const search = await staff.get("/api/desk/tickets?q=99999999999");
    expect(search.statusCode).toBe(200);
  });
});

describe("errors raised by the framework", () => {
  const shaped = (body: unknown) =>
    expect(body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });

  it("answers a path parameter that is too long with 414 in the one error shape", async () => {
    const response = await staff.get(`/api/admin/releases/${"a".repeat(600)}`);
    expect(response.statusCode).toBe(414);
    shaped(response.json());
    expect(response.json().error.code).toBe("uri_too_long");
  });

  it("answers headers or an address too large for the server with 431 in the one error shape", async () => {
    const response = await fetch(`${baseUrl}/api/releases?filler=${"a".repeat(100_000)}`);
    expect(response.status).toBe(431);
    shaped(await response.json());
  });

  it("answers a body over the limit with 413, another media type with 415, broken JSON with 400", async () => {
    const tooLarge = await send("POST", "/api/admin/releases", { notes: "a".repeat(2_000_000) });
    expect(tooLarge.statusCode).toBe(413);
    shaped(tooLarge.json());
    const xml = await community.app.inject({
      method: "POST",
      url: "/api/admin/releases",
      headers: { cookie: staff.cookie ?? "", "x-convene-csrf": "1", "content-type": "application/xml" },
      payload: "<release/>",
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe("unsupported_media_type");
    const text = await community.app.inject({
      method: "POST",
      url: "/api/admin/releases",
      headers: { cookie: staff.cookie ?? "", "x-convene-csrf": "1", "content-type": "text/plain" },
      payload: "release",
    });
    expect(text.statusCode).toBe(415);
    const broken = await community.app.inject({
      method: "POST",
      url: "/api/admin/releases",
      headers: { cookie: staff.cookie ?? "", "x-convene-csrf": "1", "content-type": "application/json" },
      payload: "{broken",
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toMatchObject({ code: "validation", fields: { body: expect.any(String) } });
  });
});
