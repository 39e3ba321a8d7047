import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchHit } from "../../../shared/contracts/search.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let staff: Client;
let ned: Client; // Northwind member

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
});
afterAll(() => community.close());

async function releaseHits(client: Client, q: string): Promise<SearchHit[]> {
  const response = await client.get(`/api/search?q=${encodeURIComponent(q)}&kind=release`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().groups[0]?.hits ?? [];
}

const marked = (text: { text: string; marks: { start: number; end: number }[] } | null | undefined) =>
  (text?.marks ?? []).map((mark) => text?.text.slice(mark.start, mark.end).toLowerCase());

describe("releases in the one search", () => {
  it("finds a published release by its title, notes and features, highlighted, linking to its page", async () => {
    const [byTitle, ...others] = await releaseHits(ned, "rebuilt");
    expect(others).toEqual([]);
    expect(byTitle).toMatchObject({ kind: "release", path: "/releases/26.2", context: null });
    expect(byTitle?.title.text).toBe("Convene 26.2: Visit scheduling, rebuilt");
    expect(marked(byTitle?.title)).toEqual(["rebuilt"]);
    expect(marked(byTitle?.snippet)).toEqual(["rebuilt"]);

    const [byFeature] = await releaseHits(ned, "kiosk");
    expect(byFeature?.path).toBe("/releases/26.2");
    expect(marked(byFeature?.snippet)).toContain("kiosk");

    const [byNotes] = await releaseHits(ned, '"schedule conflict"');
    expect(byNotes?.path).toBe("/releases/26.2.1");
  });

  it("never shows a draft to a customer; the product team finds it, marked as a draft", async () => {
    expect(await releaseHits(ned, "dispensing accountability")).toEqual([]);
    const [draft] = await releaseHits(staff, "dispensing accountability");
    expect(draft).toMatchObject({ path: "/releases/26.3", context: "Draft" });
    expect(draft?.title.text).toBe("Convene 26.3: Pharmacy preview");
  });

  it("narrows by the release day with before: and after:, and finds none by from: or in:", async () => {
    const paths = async (q: string) => (await releaseHits(ned, q)).map((hit) => hit.path).sort();
    expect(await paths("visit")).toEqual(["/releases/26.2", "/releases/26.2.1"]);
    expect(await paths("visit before:2026-02-11")).toEqual(["/releases/26.2"]);
    expect(await paths("visit after:2026-02-10")).toEqual(["/releases/26.2.1"]);
    expect(await paths("after:2026-02-10")).toEqual(["/releases/26.2.1"]);
    expect(await paths("visit from:staff@vendor.example")).toEqual([]);
    expect(await paths("visit in:general")).toEqual([]);
  });
});
