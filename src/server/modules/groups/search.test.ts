import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let owner: Client;
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  owner = await community.signIn("member@northwind.example");
  outsider = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

const subjects = (response: { json: () => { results: { subject: string }[] } }) =>
  response.json().results.map((hit) => hit.subject);

describe("search inside groups", () => {
  it("finds published messages of groups the person reads, by word stem", async () => {
    const found = await owner.get("/api/groups/search?q=centrifuges");
    expect(found.statusCode, found.body).toBe(200);
    expect(subjects(found)).toContain("Centrifuge downtime and sample stability");
  });

  it("never returns messages of groups the person may not read", async () => {
    await owner.post("/api/groups", { handle: "secret-lab", name: "Secret lab", visibility: "unlisted" });
    await owner.post("/api/groups/secret-lab/topics", {
      subject: "Zanzibar",
      body: "zanzibar protocol notes",
    });
    expect(subjects(await owner.get("/api/groups/search?q=zanzibar"))).toEqual(["Zanzibar"]);
    expect(subjects(await outsider.get("/api/groups/search?q=zanzibar"))).toEqual([]);
    // Listed but not joined: still not readable.
    expect(subjects(await outsider.get("/api/groups/search?q=centrifuge"))).toEqual([]);
  });

  it("leaves out messages waiting for moderation", async () => {
    await owner.post("/api/groups", {
      handle: "held-search",
      name: "Held search",
      postingPolicy: "moderated",
    });
    const member = await community.signIn("admin@northwind.example");
    await member.post("/api/groups/held-search/join");
    await member.post("/api/groups/held-search/topics", { subject: "Quokka", body: "quokka pending" });
    expect(subjects(await owner.get("/api/groups/search?q=quokka"))).toEqual([]);
  });

  it("names a too-short query", async () => {
    const response = await owner.get("/api/groups/search?q=a");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.q).toBeDefined();
  });
});
