/**
 * Who may call the releases routes: release notes, their feed and webhooks (the callers and the rules of the
 * matrix: src/server/testing/authorization.ts).
 */
import {
  asStaff,
  asStaffCtx,
  authorizationMatrix,
  community,
  everyone,
  nextNumber,
  type Row,
  staffOnly,
  unique,
} from "../../testing/authorization.js";
import type { ReleaseInput } from "./contracts/releases.js";
import { createDraft, publishRelease } from "./releases.js";
import { createWebhook, enqueueDeliveries, listDeliveries } from "./webhooks.js";

const releaseInput = (): ReleaseInput => ({
  version: `90.${nextNumber()}`,
  title: "Matrix release",
  releaseDate: "2026-06-01",
  notes: "Release notes for the authorization matrix.",
  features: [{ title: "A feature", module: "Pharmacy", availability: "preview", description: "" }],
});

const releaseDraft = () => createDraft(asStaffCtx(), releaseInput());

async function publishedRelease() {
  return publishRelease(asStaffCtx(), (await releaseDraft()).id);
}

/** Port 9 refuses at once, so the deliveries the matrix causes fail fast and quietly. */
const matrixWebhook = () =>
  createWebhook(asStaffCtx(), {
    name: unique("Matrix webhook"),
    url: "http://127.0.0.1:9/",
  });

async function webhookDelivery(): Promise<string> {
  const webhook = await matrixWebhook();
  await enqueueDeliveries(asStaff().ctx, {
    event: "release.published",
    releaseId: null,
    payload: { text: "matrix" },
  });
  const [delivery] = await listDeliveries(community().db, webhook.id);
  if (!delivery) throw new Error("no delivery was queued");
  return delivery.id;
}

const rows: Row[] = [
  {
    route: "GET /releases.atom",
    expected: everyone(200),
    call: ({ client }) => client.get("/releases.atom"),
  },
  {
    route: "GET /api/releases",
    expected: everyone(200),
    call: ({ client }) => client.get("/api/releases"),
  },
  {
    route: "GET /api/releases/:version",
    variant: "published",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/releases/${(await publishedRelease()).version}`),
  },
  {
    route: "GET /api/releases/:version",
    variant: "draft",
    // A draft does not exist for anyone outside the product team, signed in or not.
    expected: { ...everyone(404), staff: 200 },
    call: async ({ client }) => client.get(`/api/releases/${(await releaseDraft()).version}`),
  },
  {
    route: "GET /api/admin/releases",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/releases"),
  },
  {
    route: "POST /api/admin/releases",
    expected: staffOnly(201),
    call: ({ client }) => client.post("/api/admin/releases", releaseInput()),
  },
  {
    route: "POST /api/admin/releases/preview",
    expected: staffOnly(200),
    call: ({ client }) => client.post("/api/admin/releases/preview", releaseInput()),
  },
  {
    route: "GET /api/admin/releases/:id",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`/api/admin/releases/${(await releaseDraft()).id}`),
  },
  {
    route: "PATCH /api/admin/releases/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/releases/${(await releaseDraft()).id}`, { title: "Renamed by the matrix" }),
  },
  {
    route: "DELETE /api/admin/releases/:id",
    expected: staffOnly(204),
    call: async ({ client }) => client.delete(`/api/admin/releases/${(await releaseDraft()).id}`),
  },
  {
    route: "GET /api/admin/releases/:id/preview",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`/api/admin/releases/${(await releaseDraft()).id}/preview`),
  },
  {
    route: "PUT /api/admin/releases/:id/closes",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.put(`/api/admin/releases/${(await releaseDraft()).id}/closes`, {
        ideaIds: [],
        ticketNumbers: [1],
      }),
  },
  {
    route: "POST /api/admin/releases/:id/publish",
    expected: staffOnly(200),
    call: async ({ client }) => client.post(`/api/admin/releases/${(await releaseDraft()).id}/publish`),
  },
  {
    route: "GET /api/admin/webhooks",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/webhooks"),
  },
  {
    route: "POST /api/admin/webhooks",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/webhooks", { name: unique("Matrix webhook"), url: "http://127.0.0.1:9/" }),
  },
  {
    route: "PATCH /api/admin/webhooks/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/webhooks/${(await matrixWebhook()).id}`, { active: false }),
  },
  {
    route: "DELETE /api/admin/webhooks/:id",
    expected: staffOnly(204),
    call: async ({ client }) => client.delete(`/api/admin/webhooks/${(await matrixWebhook()).id}`),
  },
  {
    route: "GET /api/admin/webhooks/:id/deliveries",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`/api/admin/webhooks/${(await matrixWebhook()).id}/deliveries`),
  },
  {
    route: "POST /api/admin/webhook-deliveries/:id/redeliver",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`/api/admin/webhook-deliveries/${await webhookDelivery()}/redeliver`),
  },
];

authorizationMatrix(rows);
