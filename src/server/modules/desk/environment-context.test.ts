import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { actorOf } from "../accounts/users.js";
import { acceptAgreement, currentAgreement } from "../sandbox/access/index.js";

let community: TestCommunity;
let staff: Client;
let requester: Client;
let study: { id: string; label: string };

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  requester = await community.signIn("member@northwind.example");
  const agreement = await currentAgreement(community.db);
  if (!agreement) throw new Error("the demo seed published no sandbox agreement");
  const person = community.demo.people.northwindMember;
  await acceptAgreement(actingAs(community.ctx, actorOf(person)), agreement.id, "environment test");
  const form = (await requester.get("/api/desk/forms/dev_environment_question")).json();
  const first = form.studies[0];
  if (!first) throw new Error("the demo seed gave Northwind no study");
  study = first;
  // A build the client cannot know: the ticket must carry this one, not the demo's.
  const deployed = await staff.post("/api/admin/sandbox/deployments", {
    buildId: "26.4.0-build.901",
    version: "26.4-rc.2",
    flags: { pharmacy: "on" },
  });
  expect(deployed.statusCode, deployed.body).toBe(201);
});
afterAll(async () => {
  await community?.close();
});

const ask = (body: Record<string, unknown>) =>
  requester.post("/api/desk/tickets", {
    type: "dev_environment_question",
    subject: "The study build will not publish",
    description: "Publishing fails.",
    fields: { studyId: study.id },
    ...body,
  });

describe("a development environment ticket's context", () => {
  it("records the running build, version and every flag's state from the server, with the page and its study", async () => {
    const page = `/sandbox/studies/${study.id}`;
    const response = await ask({ context: { page } });
    expect(response.statusCode, response.body).toBe(201);
    const environment = response.json().environment;
    expect(environment).toMatchObject({
      buildId: "26.4.0-build.901",
      version: "26.4-rc.2",
      flags: [{ key: "pharmacy", name: "Pharmacy preview", state: "on" }],
      page,
      record: { type: "study", id: study.id, label: study.label },
    });
    const again = await staff.get(`/api/desk/tickets/${response.json().id}`);
    expect(again.json().environment).toEqual(environment);
  });

  it("refuses a build, version or flags sent by the client", async () => {
    const response = await ask({ context: { page: "/sandbox/studies", buildId: "1.0", version: "1.0" } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("context");
  });

  it("refuses a page outside the development environment, naming context.page", async () => {
    for (const page of [
      "/desk",
      "https://example.com/sandbox/",
      "/sandbox/../admin",
      `/sandbox/${"a".repeat(400)}`,
    ]) {
      const response = await ask({ context: { page } });
      expect(response.statusCode, page).toBe(400);
      expect(Object.keys(response.json().error.fields), page).toEqual(["context.page"]);
    }
  });

  it("names no record the person may not open, and keeps the page", async () => {
    const outsider = await community.signIn("member@contoso.example");
    const page = `/sandbox/studies/${study.id}`;
    const response = await outsider.post("/api/desk/tickets", {
      type: "dev_environment_question",
      subject: "Someone else's study",
      description: "A question.",
      context: { page },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().environment).toMatchObject({ page, record: null, buildId: "26.4.0-build.901" });
  });

  it("leaves tickets of other types without an environment", async () => {
    const response = await requester.post("/api/desk/tickets", {
      type: "support_question",
      subject: "A general question",
      description: "Not about the environment.",
      context: { page: "/sandbox/studies" },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().environment).toBeNull();
  });
});
