import { createConfig, lintFromString, type NormalizedProblem } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  components?: { schemas?: Record<string, unknown> };
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
    const declared = new Set(apiTags.map((tag) => tag.name));
    const undeclared = operationsOf(contractOnly(document))
      .filter(({ operation }) => !operation.tags?.length || operation.tags.some((tag) => !declared.has(tag)))
      .map(({ name, operation }) => `${name} (${operation.tags?.join(", ") ?? "no tag"})`);
    expect(undeclared, undeclared.join("\n")).toEqual([]);
  });

  it("names the one error shape Error and lists no unused component", () => {
    expect(Object.keys(document.components?.schemas ?? {})).toContain("Error");
    const operation = document.paths["/api/admin/releases/{id}"]?.patch;
    expect(JSON.stringify(operation?.responses?.["404"])).toContain("#/components/schemas/Error");
  });
});
