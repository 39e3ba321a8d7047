import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import openapiTS, { astToString } from "@convene/typescript5-tools";
import { createConfig, lintFromString, type NormalizedProblem } from "@redocly/openapi-core";
import { API as TypeScriptApi } from "typescript/unstable/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../demo/seed.js";
import { startTestCommunity, type TestCommunity } from "../testing/harness.js";
import { apiTags, pruneUnusedSchemas } from "./openapi.js";

type Operation = {
  operationId?: string;
  tags?: string[];
  parameters?: unknown[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, unknown>;
};
type Document = {
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

let community: TestCommunity;
let document: Document;

beforeAll(async () => {
  community = await startTestCommunity();
  const response = await community.anonymous().get("/api/openapi.json");
  expect(response.statusCode).toBe(200);
  document = response.json();
}, 180_000);

afterAll(() => community?.close());

function operationsOf(doc: Document): { name: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );
}

/** The document with only the operations declared by a contract (an operationId), and what they use. */
function contractOnly(doc: Document): Document {
  const paths: Document["paths"] = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const kept = Object.fromEntries(Object.entries(item).filter(([, operation]) => operation.operationId));
    if (Object.keys(kept).length > 0) paths[path] = kept;
  }
  const copy: Document = structuredClone({ ...doc, paths });
  pruneUnusedSchemas(copy);
  return copy;
}

const describeProblem = (problem: NormalizedProblem) =>
  `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer ?? "?"}`;

async function lint(doc: Document): Promise<NormalizedProblem[]> {
  const config = await createConfig({ extends: ["recommended"] });
  return lintFromString({ source: JSON.stringify(doc, null, 2), absoluteRef: "openapi.json", config });
}

/**
 * Warnings we keep on purpose: the project names no licence, the test server is on localhost (a
 * real one is at PUBLIC_URL), and an operation that is public and takes no input (the published
 * releases, the Atom feed) has no 4xx answer to document.
 */
function isExpectedWarning(problem: NormalizedProblem, doc: Document): boolean {
  if (problem.ruleId === "info-license") return true;
  if (problem.ruleId === "no-server-example.com")
    return doc.servers?.every((server) => new URL(server.url).hostname === "localhost") ?? false;
  if (problem.ruleId !== "operation-4xx-response") return false;
  const match = /^#\/paths\/([^/]+)\/([a-z]+)\/responses$/.exec(problem.location[0]?.pointer ?? "");
  if (!match) return false;
  const path = (match[1] as string).replaceAll("~1", "/").replaceAll("~0", "~");
  const operation = doc.paths[path]?.[match[2] as string];
  return (
    operation !== undefined &&
    !operation.parameters?.length &&
    !operation.requestBody &&
    operation.security?.length === 0
  );
}

describe("the OpenAPI document", () => {
  it("declares every operation through a contract (an operationId), so the lint below covers the whole API", () => {
    const undeclared = operationsOf(document)
      .filter(({ operation }) => !operation.operationId)
      .map(({ name, operation }) => `${name} (${operation.tags?.join(", ") ?? "no tag"})`);
    expect(undeclared, `operations registered without a contract:\n${undeclared.join("\n")}`).toEqual([]);
  });

  it("passes Redocly's recommended rules with no error", async () => {
    const doc = contractOnly(document);
    const problems = await lint(doc);
    const errors = problems.filter((problem) => problem.severity === "error").map(describeProblem);
    const warnings = problems
      .filter((problem) => problem.severity === "warn" && !isExpectedWarning(problem, doc))
      .map(describeProblem);
    expect(errors, errors.join("\n")).toEqual([]);
    expect(warnings, warnings.join("\n")).toEqual([]);
  });

  it("names the server, and describes every tag an operation uses", () => {
    expect(document.servers).toEqual([{ url: community.config.publicUrl, description: "This Convene." }]);
    expect(document.tags?.map((tag) => tag.name)).toEqual(apiTags.map((tag) => tag.name));
    const declared = new Set<string>(apiTags.map((tag) => tag.name));
    const undeclared = operationsOf(contractOnly(document))
      .filter(({ operation }) => !operation.tags?.length || operation.tags.some((tag) => !declared.has(tag)))
      .map(({ name, operation }) => `${name} (${operation.tags?.join(", ") ?? "no tag"})`);
    expect(undeclared, undeclared.join("\n")).toEqual([]);
  });

  it("declares the bearer scheme beside the session on every route that takes tokens", () => {
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.paths["/api/admin/releases"]?.post?.security).toEqual([
      { session: [], csrf: [] },
      { bearer: [] },
    ]);
    expect(document.paths["/api/me/api-tokens"]?.post?.security).toEqual([{ session: [], csrf: [] }]);
  });

  it("documents a partial answer (206) and 416 on every download of a stored file, and on nothing else", () => {
    const partial = operationsOf(document).filter(({ operation }) => operation.responses?.["206"]);
    expect(partial.map(({ operation }) => operation.operationId).sort()).toEqual([
      "downloadFeedbackResponseFile",
      "downloadPersonalDataExport",
      "downloadProjectFile",
      "downloadProjectPostAttachment",
      "downloadTicketAttachment",
      "getChatAttachment",
      "getGroupAttachment",
    ]);
    for (const { operation } of partial) expect(operation.responses?.["416"]).toBeDefined();
  });

  it("names the one error shape Error and lists no unused component", () => {
    expect(Object.keys(document.components?.schemas ?? {})).toContain("Error");
    const operation = document.paths["/api/admin/releases/{id}"]?.patch;
    expect(JSON.stringify(operation?.responses?.["404"])).toContain("#/components/schemas/Error");
  });
});

/**
 * A typed client as an API consumer would write it: types generated by openapi-typescript from the
 * live document, calls through openapi-fetch, with the bearer token the document declares (made with
 * a session, as only a session can). `@ts-expect-error` lines prove the types are not `any`.
 */
const CLIENT_SOURCE = `import createClient from "openapi-fetch";
import type { paths } from "./api.js";

export async function tryConvene(baseUrl: string, email: string, password: string) {
  const anonymous = createClient<paths>({ baseUrl, headers: { "x-convene-csrf": "1" } });
  const published = await anonymous.GET("/api/releases");
  if (!published.data) throw new Error("listing published releases failed");
  const versions: string[] = published.data.releases.map((release) => release.version);

  const login = await anonymous.POST("/api/auth/login", { body: { email, password } });
  const cookie = login.response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(\`sign-in failed: \${login.response.status}\`);
  const browser = createClient<paths>({ baseUrl, headers: { cookie, "x-convene-csrf": "1" } });
  const minted = await browser.POST("/api/me/api-tokens", {
    body: { name: "Typed client", access: "write", area: "all", expiresInDays: 7 },
  });
  if (!minted.data) throw new Error(\`creating a token failed: \${JSON.stringify(minted.error)}\`);
  // From here on as a script calls: the bearer token alone, no cookie and no CSRF header.
  const staff = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${minted.data.secret}\` } });

  const created = await staff.POST("/api/admin/releases", {
    body: { version: "99.1", title: "Typed client", releaseDate: "2026-12-01", notes: "Made by the client." },
  });
  if (!created.data) throw new Error(\`creating a draft failed: \${JSON.stringify(created.error)}\`);
  const status: "draft" | "published" = created.data.status;
  const drafts = await staff.GET("/api/admin/releases", { params: { query: { status: "draft" } } });
  const missing = await staff.GET("/api/admin/releases/{id}", {
    params: { path: { id: "00000000-0000-7000-8000-000000000000" } },
  });
  const errorCode: string | undefined = missing.error?.error.code;

  // @ts-expect-error: no such path
  void anonymous.GET("/api/no-such-route");
  // @ts-expect-error: a release needs its version
  void staff.POST("/api/admin/releases", { body: { title: "x", releaseDate: "2026-12-01", notes: "x" } });

  return {
    versions,
    createdStatus: created.response.status,
    status,
    draftTitles: drafts.data?.releases.map((release) => release.title) ?? [],
    missingStatus: missing.response.status,
    errorCode,
  };
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2023",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023", "DOM"],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  files: ["client.ts"],
};

/** Type-checks the folder's project with TypeScript 7's API (the native compiler, driven over a pipe). */
function typeErrorsIn(dir: string): string[] {
  const api = new TypeScriptApi({ cwd: dir });
  try {
    const configFile = path.join(dir, "tsconfig.json");
    const project = api.updateSnapshot({ openProjects: [configFile] }).getProject(configFile);
    if (!project) return [`no project for ${configFile}`];
    const program = project.program;
    return [
      ...program.getConfigFileParsingDiagnostics(),
      ...program.getSyntacticDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...program.getSemanticDiagnostics(),
    ].map((diagnostic) => `${diagnostic.fileName ?? ""} TS${diagnostic.code}: ${diagnostic.text}`);
  } finally {
    api.close();
  }
}

describe("a client generated from the OpenAPI document", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-client-"));
    await fs.symlink(path.resolve("node_modules"), path.join(dir, "node_modules"), "dir");
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it("type-checks with openapi-typescript's types and calls the live API through openapi-fetch", async () => {
    const baseUrl = await community.listen();
    const live = await (await fetch(`${baseUrl}/api/openapi.json`)).json();
    await fs.writeFile(path.join(dir, "api.d.ts"), astToString(await openapiTS(live)));
    await fs.writeFile(path.join(dir, "client.ts"), CLIENT_SOURCE);
    await fs.writeFile(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));

    const typeErrors = typeErrorsIn(dir);
    expect(typeErrors, typeErrors.join("\n")).toEqual([]);

    const client = await import(path.join(dir, "client.ts"));
    const result = await client.tryConvene(baseUrl, "staff@vendor.example", DEMO_PASSWORD);
    expect(result).toMatchObject({
      createdStatus: 201,
      status: "draft",
      missingStatus: 404,
      errorCode: "not_found",
    });
    expect(result.draftTitles).toContain("Typed client");
    expect(Array.isArray(result.versions)).toBe(true);
  });
});
