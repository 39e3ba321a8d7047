/**
 * Who may call the trial pharmacy's routes (the callers and the rules of the matrix:
 * src/server/testing/authorization.ts). The pharmacy is behind the `pharmacy` flag, which the demo
 * deployment leaves in preview.
 */
import { actingAs } from "../../platform/context.js";
import {
  acceptAs,
  authorizationMatrix,
  community,
  type Expected,
  northwindEnrolment,
  people,
  type Row,
  sandboxReaders,
  unique,
} from "../../testing/authorization.js";
import { actorOf } from "../accounts/users.js";
import { asSeeder } from "../sandbox/access/index.js";
import { moveContainer } from "./containers.js";
import { receiveLot } from "./lots.js";
import { createProduct } from "./products.js";

/**
 * Pharmacy preview: every sandbox user reads; pharmacists (of any organisation) and staff write, and
 * none of the matrix's customers is a pharmacist, so each is refused by the role rule (pharmacists
 * are tested in receipts.test.ts and dispensing.test.ts). Dispensing to a Northwind subject is staff's
 * here for the same reason.
 */
const pharmacyWriters = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: 403,
  staff: status,
});

/** A fresh product with one lot of 10 units in one container, moved on to `status` by staff. */
async function pharmacyContainer(status: "receipt" | "storage" | "dispense" = "receipt") {
  const ctx = actingAs(community().ctx, asSeeder(actorOf(people().staff)));
  const product = await createProduct(ctx, {
    name: unique("Matrix product"),
    form: "tablet",
    strength: "1 mg",
    units: "tablet",
    defaultDose: "1 mg",
    storageNotes: "",
  });
  const expiry = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  const lot = await receiveLot(ctx, product.id, {
    lotNumber: "MX-1",
    quantity: 10,
    expiry,
    containers: 1,
  });
  const [container] = lot.containers;
  if (!container) throw new Error("the matrix lot has no container");
  const moves = { receipt: [], storage: ["storage"], dispense: ["storage", "dispense"] } as const;
  for (const to of moves[status]) await moveContainer(ctx, container.id, to);
  return { productId: product.id, lotId: lot.id, containerId: container.id };
}

const rows: Row[] = [
  {
    route: "GET /api/sandbox/pharmacy/products",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/pharmacy/products");
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/products",
    expected: pharmacyWriters(201),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.post("/api/sandbox/pharmacy/products", {
        name: unique("Matrix product"),
        form: "capsule",
        strength: "2 mg",
        units: "capsule",
        defaultDose: "2 mg",
      });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/products/:id",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/products/${productId}`);
    },
  },
  {
    route: "PATCH /api/sandbox/pharmacy/products/:id",
    expected: pharmacyWriters(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.patch(`/api/sandbox/pharmacy/products/${productId}`, { storageNotes: "Keep dry." });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/products/:id/accountability",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/products/${productId}/accountability`);
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/products/:id/lots",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/products/${productId}/lots`);
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/products/:id/lots",
    expected: pharmacyWriters(201),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.post(`/api/sandbox/pharmacy/products/${productId}/lots`, {
        lotNumber: "MX-2",
        quantity: 6,
        expiry: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
        containers: 2,
      });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/containers",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { lotId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/containers?lotId=${lotId}`);
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/containers/:id",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/containers/${containerId}`);
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/containers/:id/move",
    expected: pharmacyWriters(200),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer();
      await acceptAs(email);
      return client.post(`/api/sandbox/pharmacy/containers/${containerId}/move`, { to: "storage" });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/containers/:id/label.svg",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/containers/${containerId}/label.svg`);
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/dispensations",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/dispensations?productId=${productId}`);
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/dispensations",
    expected: pharmacyWriters(201),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer("dispense");
      const { id: enrolmentId } = await northwindEnrolment("enrolled");
      await acceptAs(email);
      return client.post("/api/sandbox/pharmacy/dispensations", {
        containerId,
        enrolmentId,
        quantity: 1,
        dose: "1 mg",
      });
    },
  },
];

authorizationMatrix(rows);
