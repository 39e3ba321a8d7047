import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import type { Ctx } from "../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { actorOf, createUser } from "../accounts/users.js";
import {
  asSeeder,
  assignCohort,
  decideEligibility,
  screenVolunteer,
  withdrawEnrolment,
} from "../sandbox/index.js";
import type { Accountability } from "./contracts/accountability.js";
import type { Container } from "./contracts/containers.js";
import type { Lot } from "./contracts/lots.js";
import type { Product } from "./contracts/products.js";
import { pharmacyLots } from "./schema.js";

let community: TestCommunity;
let staff: Client;
let investigator: Client; // Northwind investigator
let readOnly: Client; // Fabrikam, read-only
let pharmacist: Client; // a Northwind pharmacist
let contosoPharmacist: Client;

const base = "/api/sandbox/pharmacy";
type Cohort = { id: string; name: string; dose: string };
let study: { id: string; cohorts: Cohort[] };
let prospects: string[];

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function pharmacistOf(organisation: "northwind" | "contoso"): Promise<Client> {
  const email = `pharma@${organisation}.example`;
  const user = await createUser(community.ctx, {
    email,
    name: "Phil Pharmacist",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations[organisation].id,
  });
  const added = await staff.post("/api/sandbox/users", { userId: user.id, role: "pharmacist" });
  expect(added.statusCode, added.body).toBe(201);
  const client = await community.signIn(email);
  await accept(client);
  return client;
}

/** NW-101's coordinator, acting through the enrolment service. */
const nora = () => {
  const actor = asSeeder(actorOf(community.demo.people.northwindAdmin));
  return { actor, ctx: { ...community.ctx, actor } satisfies Ctx };
};

/** A demo volunteer screened for NW-101, or taken on to eligible and enrolled in `cohort`. */
async function subject(cohort: Cohort | null): Promise<{ id: string; subjectNumber: string | null }> {
  const { ctx } = nora();
  const volunteerId = prospects.shift();
  if (!volunteerId) throw new Error("no prospect volunteers left");
  const screened = await screenVolunteer(ctx, study.id, { volunteerId, screeningDate: "2025-01-06" });
  if (!cohort) return screened;
  await decideEligibility(ctx, screened.id, { eligible: true });
  return assignCohort(ctx, screened.id, { cohortId: cohort.id, dosingStart: "2025-02-03" });
}

const cohort = (n: number): Cohort => {
  const found = study.cohorts[n];
  if (!found) throw new Error(`NW-101 has no cohort ${n + 1}`);
  return found;
};

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

let productCount = 0;
async function product(): Promise<Product> {
  productCount += 1;
  const response = await pharmacist.post(`${base}/products`, {
    name: `Dispensing test product ${productCount}`,
    form: "tablet",
    strength: "10 mg",
    units: "tablet",
    defaultDose: "10 mg NWX-12 oral",
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** A fresh lot of `quantity` units in one container, moved on to `status` (dispense by default). */
async function container(
  quantity: number,
  status: "receipt" | "storage" | "dispense" = "dispense",
  productId?: string,
): Promise<Container & { lot: Lot }> {
  const id = productId ?? (await product()).id;
  const received = await pharmacist.post(`${base}/products/${id}/lots`, {
    lotNumber: `D${Math.random().toString(36).slice(2, 8)}`,
    quantity,
    expiry: inDays(90),
  });
  expect(received.statusCode, received.body).toBe(201);
  const lot: Lot = received.json();
  const made = lot.containers[0] as Container;
  for (const to of status === "receipt" ? [] : status === "storage" ? ["storage"] : ["storage", "dispense"]) {
    const moved = await pharmacist.post(`${base}/containers/${made.id}/move`, { to });
    expect(moved.statusCode, moved.body).toBe(200);
  }
  return { ...made, status, lot };
}

const remaining = async (containerId: string): Promise<number> =>
  (await readOnly.get(`${base}/containers/${containerId}`)).json().remaining;

const accountability = async (productId: string): Promise<Accountability> => {
  const response = await readOnly.get(`${base}/products/${productId}/accountability`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  investigator = await community.signIn("member@northwind.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, investigator, readOnly]) await accept(client);
  pharmacist = await pharmacistOf("northwind");
  contosoPharmacist = await pharmacistOf("contoso");
  const [nw101] = (await staff.get("/api/sandbox/studies?q=NW-101")).json().studies;
  study = (await staff.get(`/api/sandbox/studies/${nw101.id}`)).json();
  prospects = (await staff.get("/api/sandbox/volunteers?status=prospect&limit=40"))
    .json()
    .volunteers.map((v: { id: string }) => v.id);
});
afterAll(() => community?.close());

describe("dispensing", () => {
  it("dispenses the cohort's dose, written in any case or spacing, and audits it with the subject's study", async () => {
    const enrolled = await subject(cohort(0));
    const from = await container(30);
    const response = await pharmacist.post(`${base}/dispensations`, {
      containerId: from.id,
      enrolmentId: enrolled.id,
      quantity: 1,
      dose: "  10 MG   nwx-12 Oral ",
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      barcode: from.barcode,
      lotNumber: from.lotNumber,
      subjectNumber: enrolled.subjectNumber,
      protocolNumber: "NW-101",
      quantity: 1,
      dose: "10 MG   nwx-12 Oral",
      doseReason: null,
      dispensedBy: { name: "Phil Pharmacist" },
      preview: true,
    });
    expect(await remaining(from.id)).toBe(29);

    const entries = (
      await staff.get(`/api/sandbox/audit?studyId=${study.id}&recordType=pharmacy_dispensation`)
    ).json().entries;
    expect(
      entries
        .filter((e: { recordId: string }) => e.recordId === response.json().id)
        .map((e: { field: string }) => e.field),
    ).toEqual(expect.arrayContaining(["containerId", "enrolmentId", "quantity", "dose"]));
    const draw = (await staff.get(`/api/sandbox/audit?recordId=${from.id}`)).json().entries.at(-1);
    expect(draw).toMatchObject({ field: "remaining", oldValue: "30", newValue: "29" });
  });

  it("refuses a dose other than the cohort's without a reason (400 naming doseReason), and records the reason given", async () => {
    const enrolled = await subject(cohort(0));
    const from = await container(10);
    const body = { containerId: from.id, enrolmentId: enrolled.id, quantity: 3, dose: "30 mg NWX-12 oral" };
    const refused = await pharmacist.post(`${base}/dispensations`, body);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error.fields.doseReason).toMatch(/Cohort 1's dose is 10 mg NWX-12 oral/);
    expect(await remaining(from.id)).toBe(10);
    const given = await pharmacist.post(`${base}/dispensations`, {
      ...body,
      doseReason: "Escalation agreed by the SRC.",
    });
    expect(given.statusCode, given.body).toBe(201);
    expect(given.json().doseReason).toBe("Escalation agreed by the SRC.");
  });

  it("refuses a subject who is not enrolled in a cohort (409)", async () => {
    const from = await container(10);
    const screening = await subject(null);
    const notYet = await pharmacist.post(`${base}/dispensations`, {
      containerId: from.id,
      enrolmentId: screening.id,
      quantity: 1,
      dose: "10 mg NWX-12 oral",
    });
    expect(notYet.statusCode, notYet.body).toBe(409);
    expect(notYet.json().error.message).toMatch(
      /is not enrolled in a cohort of NW-101 \(the enrolment is screening\)/,
    );

    const withdrawn = await subject(cohort(0));
    const { ctx } = nora();
    await withdrawEnrolment(ctx, withdrawn.id, "Withdrew consent.");
    const response = await pharmacist.post(`${base}/dispensations`, {
      containerId: from.id,
      enrolmentId: withdrawn.id,
      quantity: 1,
      dose: "10 mg NWX-12 oral",
    });
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json().error.message).toContain(
      `subject ${withdrawn.subjectNumber} is not enrolled in a cohort`,
    );
    expect(await remaining(from.id)).toBe(10);
    const unknown = await pharmacist.post(`${base}/dispensations`, {
      containerId: from.id,
      enrolmentId: crypto.randomUUID(),
      quantity: 1,
      dose: "10 mg NWX-12 oral",
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("refuses a container not in dispense, an expired lot and more units than are left (409)", async () => {
    const enrolled = await subject(cohort(1));
    const dose = "30 mg NWX-12 oral";
    const stored = await container(10, "storage");
    const notDispensing = await pharmacist.post(`${base}/dispensations`, {
      containerId: stored.id,
      enrolmentId: enrolled.id,
      quantity: 3,
      dose,
    });
    expect(notDispensing.statusCode, notDispensing.body).toBe(409);
    expect(notDispensing.json().error.message).toMatch(/is in storage/);

    const expiring = await container(10);
    // Received while still valid, then the calendar moves on past its expiry date.
    await community.db
      .update(pharmacyLots)
      .set({ expiry: inDays(-1) })
      .where(eq(pharmacyLots.id, expiring.lotId));
    const expired = await pharmacist.post(`${base}/dispensations`, {
      containerId: expiring.id,
      enrolmentId: enrolled.id,
      quantity: 3,
      dose,
    });
    expect(expired.statusCode, expired.body).toBe(409);
    expect(expired.json().error.message).toBe(
      `Lot ${expiring.lotNumber} expired on ${inDays(-1)}: it is not dispensed any more.`,
    );

    const small = await container(2);
    const tooMuch = await pharmacist.post(`${base}/dispensations`, {
      containerId: small.id,
      enrolmentId: enrolled.id,
      quantity: 3,
      dose,
    });
    expect(tooMuch.statusCode, tooMuch.body).toBe(409);
    expect(tooMuch.json().error.message).toMatch(/has only 2 units left; 3 were asked for/);
    expect(await remaining(small.id)).toBe(2);
  });

  it("lets staff and the study's own pharmacists dispense, and refuses everyone else (403)", async () => {
    const enrolled = await subject(cohort(0));
    const from = await container(10);
    const body = { containerId: from.id, enrolmentId: enrolled.id, quantity: 1, dose: "10 mg NWX-12 oral" };
    const foreign = await contosoPharmacist.post(`${base}/dispensations`, body);
    expect(foreign.statusCode, foreign.body).toBe(403);
    expect(foreign.json().error.message).toMatch(/NW-101 belongs to Northwind Research Unit/);
    for (const client of [investigator, readOnly]) {
      const response = await client.post(`${base}/dispensations`, body);
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
    }
    expect(await remaining(from.id)).toBe(10);
    expect((await staff.post(`${base}/dispensations`, body)).statusCode).toBe(201);
    expect((await pharmacist.post(`${base}/dispensations`, body)).statusCode).toBe(201);
    expect(await remaining(from.id)).toBe(8);
  });

  it("never takes a container below zero when many dispenses race for its last units", async () => {
    const subjects = [await subject(cohort(0)), await subject(cohort(0))];
    const from = await container(5);
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pharmacist.post(`${base}/dispensations`, {
          containerId: from.id,
          enrolmentId: subjects[i % 2]?.id,
          quantity: 1,
          dose: "10 mg NWX-12 oral",
        }),
      ),
    );
    const statuses = attempts.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(7).fill(409)]);
    for (const refused of attempts.filter((response) => response.statusCode === 409))
      expect(refused.json().error.message).toMatch(/has only 0 units left/);
    expect(await remaining(from.id)).toBe(0);
    const report = await accountability(from.productId);
    expect(report).toMatchObject({ received: 5, dispensed: 5, onHand: 0 });
  });

  it("lists dispensations by subject and by product, newest first", async () => {
    const enrolled = await subject(cohort(0));
    const from = await container(10);
    const other = await container(10);
    for (const containerId of [from.id, other.id, from.id])
      await pharmacist.post(`${base}/dispensations`, {
        containerId,
        enrolmentId: enrolled.id,
        quantity: 1,
        dose: "10 mg NWX-12 oral",
      });
    const bySubject = (await readOnly.get(`${base}/dispensations?enrolmentId=${enrolled.id}`)).json();
    expect(bySubject.preview).toBe(true);
    expect(bySubject.dispensations.map((d: { containerId: string }) => d.containerId)).toEqual([
      from.id,
      other.id,
      from.id,
    ]);
    const byProduct = (await investigator.get(`${base}/dispensations?productId=${other.productId}`)).json();
    expect(byProduct.dispensations).toHaveLength(1);
    expect(byProduct.dispensations[0]).toMatchObject({
      containerId: other.id,
      subjectNumber: enrolled.subjectNumber,
    });
  });

  it("refuses to dispense while the flag is off (404 feature_disabled) and writes nothing", async () => {
    const enrolled = await subject(cohort(0));
    const from = await container(4);
    expect((await staff.patch("/api/admin/sandbox/flags/pharmacy", { state: "off" })).statusCode).toBe(200);
    try {
      const response = await pharmacist.post(`${base}/dispensations`, {
        containerId: from.id,
        enrolmentId: enrolled.id,
        quantity: 1,
        dose: "10 mg NWX-12 oral",
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe("feature_disabled");
    } finally {
      expect((await staff.patch("/api/admin/sandbox/flags/pharmacy", { state: "preview" })).statusCode).toBe(
        200,
      );
    }
    expect(await remaining(from.id)).toBe(4);
  });
});

describe("accountability", () => {
  it("balances received = dispensed + on hand per lot and in total after dispenses, refusals and moves", async () => {
    const { id: productId } = await product();
    const first = await container(12, "dispense", productId);
    const second = await container(7, "dispense", productId);
    const unopened = await container(5, "receipt", productId);
    const enrolled = await subject(cohort(0));
    const dose = "10 mg NWX-12 oral";
    const attempts = [
      { containerId: first.id, quantity: 4, dose },
      { containerId: first.id, quantity: 9, dose }, // only 8 left: refused
      { containerId: second.id, quantity: 2, dose: "20 mg" }, // no reason: refused
      { containerId: second.id, quantity: 2, dose: "20 mg", doseReason: "Protocol amendment 2." },
      { containerId: unopened.id, quantity: 1, dose }, // still in receipt: refused
      { containerId: first.id, quantity: 8, dose },
    ];
    const statuses = [];
    for (const attempt of attempts)
      statuses.push(
        (await pharmacist.post(`${base}/dispensations`, { ...attempt, enrolmentId: enrolled.id })).statusCode,
      );
    expect(statuses).toEqual([201, 409, 400, 201, 409, 201]);
    await community.db
      .update(pharmacyLots)
      .set({ expiry: inDays(-3) })
      .where(eq(pharmacyLots.id, second.lotId));

    const report = await accountability(productId);
    expect(report).toMatchObject({ received: 24, dispensed: 14, onHand: 10, preview: true });
    expect(report.received).toBe(report.dispensed + report.onHand);
    const byLot = Object.fromEntries(report.lots.map((lot) => [lot.lotNumber, lot]));
    expect(byLot[first.lotNumber]).toMatchObject({ received: 12, dispensed: 12, onHand: 0, expired: false });
    expect(byLot[second.lotNumber]).toMatchObject({ received: 7, dispensed: 2, onHand: 5, expired: true });
    expect(byLot[unopened.lotNumber]).toMatchObject({ received: 5, dispensed: 0, onHand: 5, expired: false });
    for (const lot of report.lots) expect(lot.received).toBe(lot.dispensed + lot.onHand);
  });

  it("reports the demo products to every reader, and 404 for an unknown product", async () => {
    const products: Product[] = (await readOnly.get(`${base}/products`)).json().products;
    const demo = products.find((p) => p.name === "NWX-12 10 mg tablet");
    const report = await accountability(demo?.id ?? "");
    expect(report).toMatchObject({ received: 120, dispensed: 0, onHand: 120 });
    expect((await readOnly.get(`${base}/products/${crypto.randomUUID()}/accountability`)).statusCode).toBe(
      404,
    );
  });
});
