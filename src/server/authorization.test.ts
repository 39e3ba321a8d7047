/**
 * The authorization matrix as a whole. Its rows live beside each module (see testing/authorization.ts),
 * and each module's file checks that they cover exactly the operations the module's contracts declare.
 * What is left to check here is that no route escapes those files: every operation the server
 * documents is declared by exactly one module's contracts, each of those modules has its matrix file,
 * and docs/API.md lists the same routes as the OpenAPI document.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractDirectories, matrixFileOf, operationsDeclaredIn } from "./testing/authorization.js";
import { startTestCommunity, type TestCommunity } from "./testing/harness.js";

let community: TestCommunity;

beforeAll(async () => {
  community = await startTestCommunity();
});
afterAll(() => community?.close());

/** "METHOD /path" of every operation in the server's OpenAPI document, in the contracts' `:param` style. */
async function documentedOperations(): Promise<string[]> {
  const spec = (await community.anonymous().get("/api/openapi.json")).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(spec.paths).flatMap(([route, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ":$1")}`),
  );
}

describe("the matrix itself", () => {
  it("has every operation of the OpenAPI document declared by exactly one module's contracts", async () => {
    const owners = new Map<string, string[]>();
    for (const contracts of contractDirectories()) {
      for (const route of await operationsDeclaredIn(contracts))
        owners.set(route, [...(owners.get(route) ?? []), path.relative(process.cwd(), contracts)]);
    }
    const documented = await documentedOperations();
    expect(documented.length).toBeGreaterThan(30);
    expect([...owners.keys()].sort()).toEqual([...documented].sort());
    expect([...owners].filter(([, declaredBy]) => declaredBy.length > 1)).toEqual([]);
  });

  it("has a matrix file beside every module that declares operations", () => {
    const withoutMatrix = contractDirectories()
      .map(matrixFileOf)
      .filter(
        (file) => !fs.existsSync(file) || !fs.readFileSync(file, "utf8").includes("authorizationMatrix("),
      );
    expect(withoutMatrix).toEqual([]);
  });

  it("lists in docs/API.md every operation of the OpenAPI document, and nothing else", async () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, "../../docs/API.md"), "utf8");
    // A table line names one method, or several that share a path (`| POST / DELETE | /api/... |`).
    const listed = [
      ...doc.matchAll(
        /^\| ((?:GET|POST|PATCH|PUT|DELETE)(?: \/ (?:GET|POST|PATCH|PUT|DELETE))*) \| (\/api\/\S+) \|/gm,
      ),
    ].flatMap(([, methods = "", route]) => methods.split(" / ").map((method) => `${method} ${route}`));
    // The health check and the release feed are described in the page's text rather than its tables.
    const describedInText = ["GET /api/health", "GET /releases.atom"];
    const documented = (await documentedOperations()).filter((route) => !describedInText.includes(route));
    expect(listed.length).toBeGreaterThan(30);
    expect([...new Set(listed)].sort()).toEqual([...documented].sort());
  });
});

describe("access is checked before input", () => {
  it("answers an anonymous request with a malformed body 401, not a field list", async () => {
    const response = await community.anonymous().post("/api/desk/tickets", { type: "nonsense" });
    expect(response.statusCode).toBe(401);
  });

  it("answers a customer's malformed request to a staff route 403, not a field list", async () => {
    const member = await community.signIn("member@contoso.example");
    const response = await member.post("/api/admin/organisations", { kind: "nonsense" });
    expect(response.statusCode).toBe(403);
  });
});
