import bwipjs from "bwip-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { createUser } from "../accounts/users.js";
import type { Container } from "./contracts/containers.js";
import type { Lot } from "./contracts/lots.js";
import type { Product } from "./contracts/products.js";
import { LABEL_CAUTION } from "./label.js";

let community: TestCommunity;
let staff: Client;
let coordinator: Client; // Northwind's study coordinator (the org admin)
let investigator: Client; // Northwind investigator
let contoso: Client; // Contoso's study coordinator
let readOnly: Client; // Fabrikam, read-only
let pharmacist: Client; // a Northwind pharmacist
let contosoPharmacist: Client;
let notAccepted: Client; // a Northwind pharmacist who has not accepted the agreement

const base = "/api/sandbox/pharmacy";

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function sandboxUser(
  email: string,
  role: string,
  organisation: "northwind" | "contoso",
): Promise<Client> {
  const user = await createUser(community.ctx, {
    email,
    name: "Phil Pharmacist",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations[organisation].id,
  });
  const added = await staff.post("/api/sandbox/users", { userId: user.id, role });
  expect(added.statusCode, added.body).toBe(201);
  return community.signIn(email);
}

let productCount = 0;
async function product(client = pharmacist): Promise<Product> {
  productCount += 1;
  const response = await client.post(`${base}/products`, {
    name: `Receipt test product ${productCount}`,
    form: "tablet",
    strength: "5 mg",
    units: "tablet",
    defaultDose: "5 mg oral",
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function receive(productId: string, body: Record<string, unknown> = {}): Promise<Lot> {
  const response = await pharmacist.post(`${base}/products/${productId}/lots`, {
    lotNumber: `L${Math.random().toString(36).slice(2, 8)}`,
    quantity: 10,
    expiry: inDays(365),
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const setFlag = async (state: string) => {
  const response = await staff.patch("/api/admin/sandbox/flags/pharmacy", { state });
  expect(response.statusCode, response.body).toBe(200);
};

const trail = async (recordId: string) => {
  const response = await staff.get(`/api/sandbox/audit?recordId=${recordId}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().entries as {
    action: string;
    field: string | null;
    oldValue: string | null;
    newValue: string | null;
    reason: string | null;
    actor: { email: string };
  }[];
};

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  investigator = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, coordinator, investigator, contoso, readOnly]) await accept(client);
  pharmacist = await sandboxUser("pharma@northwind.example", "pharmacist", "northwind");
  contosoPharmacist = await sandboxUser("pharma@contoso.example", "pharmacist", "contoso");
  for (const client of [pharmacist, contosoPharmacist]) await accept(client);
  notAccepted = await sandboxUser("late@northwind.example", "pharmacist", "northwind");
});
afterAll(() => community?.close());

describe("products", () => {
  it("lists the demo products to every sandbox reader, marked as a preview", async () => {
    for (const client of [readOnly, investigator, coordinator, contoso, pharmacist, staff]) {
      const response = await client.get(`${base}/products`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().preview).toBe(true);
      expect(response.json().products.map((p: Product) => p.name)).toEqual(
        expect.arrayContaining(["NWX-12 10 mg tablet", "NWX-12 30 mg tablet", "CTX-7 5 mg capsule"]),
      );
    }
  });

  it("adds a product for a pharmacist of any organisation and for staff, and audits its fields", async () => {
    const created = await product(contosoPharmacist);
    expect(created).toMatchObject({ form: "tablet", strength: "5 mg", storageNotes: "", preview: true });
    expect((await staff.get(`${base}/products/${created.id}`)).json().name).toBe(created.name);
    await product(staff);
    const entries = await trail(created.id);
    expect(entries.map((e) => e.field).sort()).toEqual(
      ["defaultDose", "form", "name", "storageNotes", "strength", "units"].sort(),
    );
    expect(entries.every((e) => e.action === "create" && e.actor.email === "pharma@contoso.example")).toBe(
      true,
    );
  });

  it("refuses to add or change products for coordinators, investigators and read-only users (403)", async () => {
    const existing = await product();
    const input = {
      name: "Not mine",
      form: "tablet",
      strength: "1 mg",
      units: "tablet",
      defaultDose: "1 mg",
    };
    for (const client of [coordinator, investigator, contoso, readOnly]) {
      const created = await client.post(`${base}/products`, input);
      expect(created.statusCode, created.body).toBe(403);
      expect(created.json().error.code).toBe("forbidden");
      const changed = await client.patch(`${base}/products/${existing.id}`, { strength: "2 mg" });
      expect(changed.statusCode, changed.body).toBe(403);
    }
  });

  it("refuses someone who has not accepted the agreement (403 agreement_required)", async () => {
    const response = await notAccepted.get(`${base}/products`);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("agreement_required");
  });

  it("refuses a name another product has, whatever its case (409 naming name)", async () => {
    const response = await pharmacist.post(`${base}/products`, {
      name: "nwx-12 10 MG tablet",
      form: "tablet",
      strength: "10 mg",
      units: "tablet",
      defaultDose: "10 mg",
    });
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json().error.fields.name).toMatch(/already the name/);
    const other = await product();
    const renamed = await pharmacist.patch(`${base}/products/${other.id}`, { name: "CTX-7 5 mg capsule" });
    expect(renamed.statusCode, renamed.body).toBe(409);
  });

  it("refuses a product without its fields, naming each (400)", async () => {
    const response = await pharmacist.post(`${base}/products`, { name: " ", strength: "x".repeat(61) });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(
      ["defaultDose", "form", "name", "strength", "units"].sort(),
    );
  });

  it("changes a product field by field with the reason in the audit trail", async () => {
    const created = await product();
    const response = await pharmacist.patch(`${base}/products/${created.id}`, {
      storageNotes: "Keep below 25 °C.",
      strength: "5 mg",
      reason: "Label text from the supplier.",
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().storageNotes).toBe("Keep below 25 °C.");
    const updates = (await trail(created.id)).filter((e) => e.action === "update");
    expect(updates).toEqual([
      expect.objectContaining({
        field: "storageNotes",
        oldValue: "",
        newValue: "Keep below 25 °C.",
        reason: "Label text from the supplier.",
      }),
    ]);
  });
});

describe("receipts", () => {
  it("receives a lot split as evenly as possible over containers with unique check-digit barcodes", async () => {
    const { id } = await product();
    const lot = await receive(id, { lotNumber: "l2026-04a", quantity: 10, containers: 3 });
    expect(lot).toMatchObject({
      lotNumber: "L2026-04A",
      quantity: 10,
      receivedBy: { name: "Phil Pharmacist" },
      preview: true,
    });
    expect(lot.containers.map((c) => [c.quantity, c.remaining, c.status])).toEqual([
      [4, 4, "receipt"],
      [3, 3, "receipt"],
      [3, 3, "receipt"],
    ]);
    const barcodes = lot.containers.map((c) => c.barcode);
    for (const barcode of barcodes) expect(barcode).toMatch(/^PH-\d{7}-\d$/);
    // The same lot number under another product gets barcodes of its own.
    const other = await receive((await product()).id, { lotNumber: "L2026-04A", containers: 2 });
    const all = [...barcodes, ...other.containers.map((c) => c.barcode)];
    expect(new Set(all).size).toBe(all.length);

    const lotTrail = await trail(lot.id);
    expect(lotTrail.map((e) => e.field)).toEqual(
      expect.arrayContaining(["lotNumber", "quantity", "expiry", "receivedAt", "receivedBy"]),
    );
    const containerTrail = await trail(lot.containers[0]?.id ?? "");
    expect(containerTrail.find((e) => e.field === "barcode")?.newValue).toBe(barcodes[0]);
  });

  it("lists a product's lots with their containers", async () => {
    const { id } = await product();
    const lot = await receive(id, { containers: 2 });
    const response = await readOnly.get(`${base}/products/${id}/lots`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().lots).toEqual([
      expect.objectContaining({ id: lot.id, containers: lot.containers }),
    ]);
  });

  it("refuses an expired lot, a receipt in the future and more containers than units, naming each (400)", async () => {
    const { id } = await product();
    const response = await pharmacist.post(`${base}/products/${id}/lots`, {
      lotNumber: "OLD-1",
      quantity: 3,
      expiry: inDays(-1),
      receivedAt: new Date(Date.now() + 3600_000).toISOString(),
      containers: 4,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.fields).toMatchObject({
      expiry: expect.stringMatching(/expired/),
      receivedAt: expect.stringMatching(/future/),
      containers: expect.stringMatching(/at least 1 unit/),
    });
    const tooMany = await pharmacist.post(`${base}/products/${id}/lots`, {
      lotNumber: "BIG-1",
      quantity: 1000,
      expiry: inDays(30),
      containers: 501,
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.fields.containers).toMatch(/1 to 500/);
    const zero = await pharmacist.post(`${base}/products/${id}/lots`, {
      lotNumber: "ZERO-1",
      quantity: 0,
      expiry: "2030-02-30",
    });
    expect(Object.keys(zero.json().error.fields).sort()).toEqual(["expiry", "quantity"]);
    expect((await readOnly.get(`${base}/products/${id}/lots`)).json().lots).toEqual([]);
  });

  it("refuses a lot number the product has already received (409 naming lotNumber)", async () => {
    const { id } = await product();
    await receive(id, { lotNumber: "TWICE-1" });
    const again = await pharmacist.post(`${base}/products/${id}/lots`, {
      lotNumber: "twice-1",
      quantity: 5,
      expiry: inDays(100),
    });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.fields.lotNumber).toMatch(/TWICE-1/);
  });

  it("refuses receipts by anyone but pharmacists and staff (403), and an unknown product (404)", async () => {
    const { id } = await product();
    for (const client of [coordinator, investigator, readOnly]) {
      const response = await client.post(`${base}/products/${id}/lots`, {
        lotNumber: "NOPE-1",
        quantity: 5,
        expiry: inDays(100),
      });
      expect(response.statusCode, response.body).toBe(403);
    }
    const unknown = await pharmacist.post(`${base}/products/${crypto.randomUUID()}/lots`, {
      lotNumber: "NOPE-1",
      quantity: 5,
      expiry: inDays(100),
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe("containers", () => {
  it("moves a container receipt -> storage -> dispense and refuses every other move (409)", async () => {
    const lot = await receive((await product()).id);
    const id = lot.containers[0]?.id ?? "";
    const move = (to: string, client = pharmacist) => client.post(`${base}/containers/${id}/move`, { to });
    expect((await move("dispense")).statusCode).toBe(409);
    expect((await move("storage", investigator)).statusCode).toBe(403);
    const stored = await move("storage");
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json().status).toBe("storage");
    const again = await move("storage");
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/moves to dispense next/);
    expect((await move("dispense", staff)).json().status).toBe("dispense");
    expect((await move("storage")).statusCode).toBe(409);
    expect((await move("receipt")).statusCode).toBe(400);
    const moves = (await trail(id)).filter((e) => e.field === "status" && e.action === "update");
    expect(moves.map((e) => [e.oldValue, e.newValue])).toEqual([
      ["receipt", "storage"],
      ["storage", "dispense"],
    ]);
  });

  it("lists containers by product, lot and status", async () => {
    const { id } = await product();
    const first = await receive(id, { containers: 2 });
    const second = await receive(id, { containers: 1 });
    await pharmacist.post(`${base}/containers/${second.containers[0]?.id}/move`, { to: "storage" });
    const list = async (query: string) => {
      const response = await readOnly.get(`${base}/containers?${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().containers as Container[]).map((c) => c.id);
    };
    expect((await list(`productId=${id}`)).sort()).toEqual(
      [...first.containers, ...second.containers].map((c) => c.id).sort(),
    );
    expect(await list(`lotId=${first.id}&status=receipt`)).toEqual(first.containers.map((c) => c.id));
    expect(await list(`productId=${id}&status=storage`)).toEqual([second.containers[0]?.id]);
    expect((await readOnly.get(`${base}/containers?status=lost`)).statusCode).toBe(400);
    const one = await readOnly.get(`${base}/containers/${second.containers[0]?.id}`);
    expect(one.json()).toMatchObject({ lotNumber: second.lotNumber, status: "storage", preview: true });
  });

  it("prints a label with the product, lot, expiry, caution and a Code 128 barcode of the value", async () => {
    const created = await product();
    const lot = await receive(created.id, { lotNumber: "LBL-7", expiry: inDays(200) });
    const container = lot.containers[0] as Container;
    const response = await readOnly.get(`${base}/containers/${container.id}/label.svg`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    const svg = response.body;
    expect(svg).toContain("<svg");
    for (const text of [container.barcode, created.name, "Lot LBL-7", `Expiry ${lot.expiry}`, LABEL_CAUTION])
      expect(svg).toContain(text);

    // The bars drawn are those of the Code 128 encoding of the value, module for module.
    const [encoding] = bwipjs.raw("code128", container.barcode, {}) as { sbs: number[] }[];
    const bars = [...svg.matchAll(/stroke-width="(\d+(?:\.\d+)?)" d="([^"]+)"/g)]
      .flatMap(([, width, d]) =>
        [...(d ?? "").matchAll(/M(\d+(?:\.\d+)?) /g)].map(([, x]) => ({
          x: Number(x),
          width: Number(width),
        })),
      )
      .sort((a, b) => a.x - b.x);
    const moduleWidth = 2;
    const barWidths = bars.map((bar) => bar.width / moduleWidth);
    expect(barWidths).toEqual(encoding?.sbs.filter((_, i) => i % 2 === 0));
    // Start code B (2 1 1 2 1 4) first and the stop pattern (2 3 3 1 1 1 2) last.
    expect(encoding?.sbs.slice(0, 6)).toEqual([2, 1, 1, 2, 1, 4]);
    expect(encoding?.sbs.slice(-7)).toEqual([2, 3, 3, 1, 1, 1, 2]);

    expect((await readOnly.get(`${base}/containers/${crypto.randomUUID()}/label.svg`)).statusCode).toBe(404);
  });
});

describe("the pharmacy flag", () => {
  it("answers 404 feature_disabled while the flag is off, keeps the data, and drops the marker when on", async () => {
    const created = await product();
    await setFlag("off");
    try {
      for (const request of [
        () => readOnly.get(`${base}/products`),
        () => pharmacist.get(`${base}/products/${created.id}`),
        () =>
          staff.post(`${base}/products/${created.id}/lots`, {
            lotNumber: "OFF-1",
            quantity: 1,
            expiry: inDays(9),
          }),
        () => pharmacist.get(`${base}/containers`),
      ]) {
        const response = await request();
        expect(response.statusCode, response.body).toBe(404);
        expect(response.json().error.code).toBe("feature_disabled");
      }
      await setFlag("on");
      const on = await readOnly.get(`${base}/products/${created.id}`);
      expect(on.statusCode).toBe(200);
      expect(on.json()).toMatchObject({ name: created.name, preview: false });
      expect((await readOnly.get(`${base}/products/${created.id}/lots`)).json().lots).toEqual([]);
    } finally {
      await setFlag("preview");
    }
  });
});
