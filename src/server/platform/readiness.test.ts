/** `/api/health/ready`: whether a node should be sent traffic, asked of the database and every registered check. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCommunity, type TestCommunity } from "../testing/harness.js";

describe("readiness", () => {
  let community: TestCommunity;
  beforeAll(async () => {
    community = await startTestCommunity();
  });
  afterAll(() => community.close());
  const ready = () => community.anonymous().get("/api/health/ready");

  it("answers 200 naming each check once the database answers a real query", async () => {
    const response = await ready();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ready", checks: { database: "ok" } });
  });

  it("answers 503 not_ready naming a registered check that fails, and ready again once it passes", async () => {
    let storageUp = false;
    community.app.readiness.checks.set("object-storage", async () => {
      if (!storageUp) throw new Error("connect ECONNREFUSED 127.0.0.1:36292");
    });
    try {
      const refused = await ready();
      expect(refused.statusCode).toBe(503);
      const { error } = refused.json();
      expect(error.code).toBe("not_ready");
      expect(error.message).toContain("object-storage");
      expect(error.details.checks).toEqual({ database: "ok", "object-storage": "failed" });
      // Why it failed is for the log: the answer is public.
      expect(refused.body).not.toContain("ECONNREFUSED");
      storageUp = true;
      expect((await ready()).json().checks).toEqual({ database: "ok", "object-storage": "ok" });
    } finally {
      community.app.readiness.checks.delete("object-storage");
    }
  });

  it("answers 503 naming a check that never answers as timed out", async () => {
    community.app.readiness.checks.set("redis", () => new Promise<void>(() => {}));
    try {
      const refused = await ready();
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.details.checks).toEqual({ database: "ok", redis: "timed out" });
    } finally {
      community.app.readiness.checks.delete("redis");
    }
  });

  it("is listed in the OpenAPI document beside the liveness answer", async () => {
    const document = (await community.anonymous().get("/api/openapi.json")).json();
    expect(document.paths["/api/health"].get.operationId).toBe("getHealth");
    const readiness = document.paths["/api/health/ready"].get;
    expect(readiness.operationId).toBe("getReadiness");
    expect(Object.keys(readiness.responses)).toEqual(expect.arrayContaining(["200", "503"]));
  });

  it("answers 503 draining once shutdown began, while liveness still answers ok", async () => {
    community.app.readiness.drain();
    const refused = await ready();
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("draining");
    expect((await community.anonymous().get("/api/health")).statusCode).toBe(200);
  });
});
