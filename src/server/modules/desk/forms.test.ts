import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

import { actorOf } from "../accounts/users.js";
import { acceptAgreement, currentAgreement } from "../sandbox/access/index.js";

let community: TestCommunity;
let staff: Client;
let requester: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  requester = await community.signIn("member@northwind.example");
  // product_feedback's form for these tests: a required choice and an optional date.
  for (const field of [
    {
      key: "area",
      label: "Area",
      kind: "choice",
      options: ["Visits", "Pharmacy"],
      required: true,
      position: 1,
    },
    { key: "since", label: "Since", kind: "date", position: 2 },
  ]) {
    const response = await staff.post("/api/desk/forms/product_feedback/fields", field);
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(async () => {
  await community?.close();
});

const open = (type: string, fields: Record<string, string>) =>
  requester.post("/api/desk/tickets", {
    type,
    subject: "Custom fields",
    description: "A ticket with custom fields.",
    fields,
  });

describe("ticket forms", () => {
  it("lists a type's fields in order; the demo's development environment form has a study and steps", async () => {
    const response = await requester.get("/api/desk/forms/dev_environment_question");
    expect(response.statusCode).toBe(200);
    expect(response.json().fields.map((f: { key: string; kind: string }) => [f.key, f.kind])).toEqual([
      ["studyId", "study"],
      ["stepsToReproduce", "text"],
    ]);
  });

  it("keeps the values with their labels, and shows them on the ticket", async () => {
    const response = await open("product_feedback", { area: "Pharmacy", since: "2026-11-30" });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().fields).toEqual([
      { key: "area", label: "Area", kind: "choice", value: "Pharmacy", display: "Pharmacy" },
      { key: "since", label: "Since", kind: "date", value: "2026-11-30", display: "2026-11-30" },
    ]);
  });

  it("names the field of every problem: missing, not an option, not a date, unknown", async () => {
    const missing = await open("product_feedback", {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields).toEqual({ "fields.area": "Fill in Area." });
    const wrong = await open("product_feedback", { area: "Chat", since: "2026-02-30", colour: "red" });
    expect(Object.keys(wrong.json().error.fields).sort()).toEqual([
      "fields.area",
      "fields.colour",
      "fields.since",
    ]);
  });

  it("offers and accepts only studies the person may open in the development environment", async () => {
    // Staff, too, open the development environment once they accepted its agreement.
    const agreement = await currentAgreement(community.db);
    if (!agreement) throw new Error("the demo seed published no sandbox agreement");
    const person = community.demo.people.staff;
    await acceptAgreement(actingAs(community.ctx, actorOf(person)), agreement.id, "forms test");
    const form = (await staff.get("/api/desk/forms/dev_environment_question")).json();
    expect(form.studies.length).toBeGreaterThan(0);
    const study = form.studies[0];
    const byStaff = await staff.post("/api/desk/tickets", {
      type: "dev_environment_question",
      subject: "Study question",
      description: "About a study.",
      fields: { studyId: study.id, stepsToReproduce: "1. Open the study" },
    });
    expect(byStaff.statusCode, byStaff.body).toBe(201);
    expect(byStaff.json().fields[0]).toMatchObject({ key: "studyId", value: study.id, display: study.label });

    const outsider = await community.signIn("member@contoso.example");
    const theirs = (await outsider.get("/api/desk/forms/dev_environment_question")).json();
    if (!theirs.studies.some((s: { id: string }) => s.id === study.id)) {
      const refused = await outsider.post("/api/desk/tickets", {
        type: "dev_environment_question",
        subject: "Study question",
        description: "About a study.",
        fields: { studyId: study.id },
      });
      expect(refused.json().error.fields).toHaveProperty("fields.studyId");
    }
    const unknown = await requester.post("/api/desk/tickets", {
      type: "dev_environment_question",
      subject: "Study question",
      description: "About a study.",
      fields: { studyId: "0190a000-0000-7000-8000-000000000001" },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields).toHaveProperty("fields.studyId");
  });

  it("refuses a choice field without options and a second field with the same key", async () => {
    const noOptions = await staff.post("/api/desk/forms/support_question/fields", {
      key: "x",
      label: "X",
      kind: "choice",
    });
    expect(noOptions.json().error.fields).toHaveProperty("options");
    const twice = await staff.post("/api/desk/forms/product_feedback/fields", {
      key: "area",
      label: "Area",
      kind: "text",
    });
    expect(twice.json().error.fields).toHaveProperty("key");
  });
});
