import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import type { Db } from "../../db/client.js";
import { contextOf, publicAccess, requireStaff, staffAccess } from "../../platform/auth/http.js";
import { idParam, typed } from "../../platform/http.js";
import { releaseFeed } from "./atom.js";
import { WebhookDeliverer } from "./deliverer.js";
import {
  createDraft,
  deleteDraft,
  getRelease,
  getReleaseByVersion,
  listAllReleases,
  listPublishedReleases,
  previewRelease,
  previewStoredRelease,
  publishRelease,
  updateDraft,
} from "./releases.js";
import { featureAvailabilities, releaseStatuses, webhookDeliveryStatuses } from "./schema.js";
import {
  createWebhook,
  deactivateWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  updateWebhook,
} from "./webhooks.js";

// --- input ---

const versionField = z
  .string({ error: "Enter a version such as 26.3 or 26.3.1." })
  .trim()
  .regex(/^\d+\.\d+(\.\d+)?$/, "Use a version such as 26.3, or 26.3.1 for a hotfix.")
  .max(20, "Use at most 20 characters.");
const featureInput = z.object({
  title: z
    .string({ error: "Name the feature." })
    .trim()
    .min(1, "Name the feature.")
    .max(200, "Use at most 200 characters."),
  module: z
    .string({ error: "Name the product module." })
    .trim()
    .min(1, "Name the product module.")
    .max(80, "Use at most 80 characters."),
  availability: z.enum(featureAvailabilities, { error: "Choose GA or preview." }),
  description: z.string().trim().max(2000, "Use at most 2,000 characters.").default(""),
});
const releaseFields = {
  version: versionField,
  title: z
    .string({ error: "Give the release a title." })
    .trim()
    .min(1, "Give the release a title.")
    .max(200, "Use at most 200 characters."),
  releaseDate: z.iso.date({ error: "Enter the release date as YYYY-MM-DD." }),
  notes: z
    .string({ error: "Write the release notes." })
    .trim()
    .min(1, "Write the release notes.")
    .max(50_000, "Use at most 50,000 characters."),
  features: z.array(featureInput).max(100, "Use at most 100 features.").default([]),
};
const releaseInput = z.object(releaseFields);
const releaseChanges = z
  .object({
    version: releaseFields.version.optional(),
    title: releaseFields.title.optional(),
    releaseDate: releaseFields.releaseDate.optional(),
    notes: releaseFields.notes.optional(),
    features: z.array(featureInput).max(100, "Use at most 100 features.").optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), "Say what to change.");
const webhookUrl = z
  .url({ protocol: /^https?$/, error: "Enter an http:// or https:// address." })
  .max(2000, "Use at most 2,000 characters.");
const webhookName = z
  .string({ error: "Name the webhook." })
  .trim()
  .min(1, "Name the webhook.")
  .max(120, "Use at most 120 characters.");
const versionParam = z.object({ version: z.string().max(40) });

// --- output ---

const featureSchema = z.object({
  title: z.string(),
  module: z.string(),
  availability: z.enum(featureAvailabilities),
  description: z.string(),
});
const releaseSchema = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  releaseDate: z.string(),
  notes: z.string(),
  notesHtml: z.string(),
  status: z.enum(releaseStatuses),
  features: z.array(featureSchema),
  url: z.string(),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const slackSchema = z.object({ text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) });
const previewSchema = z.object({
  html: z.string(),
  notesHtml: z.string(),
  announcement: z.object({ body: z.string(), html: z.string() }),
  email: z.object({ subject: z.string(), text: z.string() }),
  slack: slackSchema,
});
const deliveryStatus = z.enum(webhookDeliveryStatuses);
const webhookSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  lastDelivery: z
    .object({ status: deliveryStatus, lastStatusCode: z.number().nullable(), createdAt: z.string() })
    .nullable(),
});
const deliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  release: z.object({ id: z.string(), version: z.string() }).nullable(),
  event: z.string(),
  status: deliveryStatus,
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

const deliverers = new WeakMap<Db, WebhookDeliverer>();

/** The app's webhook deliverer for this database, so tests can flush it and shorten its retries. */
export function webhookDelivererOf(db: Db): WebhookDeliverer {
  const deliverer = deliverers.get(db);
  if (!deliverer) throw new Error("the releases plugin is not registered for this database");
  return deliverer;
}

/**
 * Releases, their Atom feed and outgoing webhooks, as one encapsulated plugin: its hooks kick the
 * webhook deliverer after this module's own changes only, and start its timer when the server
 * listens (never under `inject`, so tests flush it by hand).
 */
export async function releasesPlugin(scope: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = typed(scope);
  const deliverer = new WebhookDeliverer(deps.db, { log: scope.log });
  deliverers.set(deps.db, deliverer);
  app.addHook("onResponse", async (request, reply) => {
    if (request.method !== "GET" && reply.statusCode < 400) void deliverer.flush();
  });
  app.addHook("onListen", async () => deliverer.start());
  app.addHook("onClose", async () => {
    await deliverer.stop();
    deliverers.delete(deps.db);
  });

  const tags = ["releases"];

  // --- public ---

  app.get(
    "/api/releases",
    {
      config: publicAccess,
      schema: { tags, response: { 200: z.object({ releases: z.array(releaseSchema) }) } },
    },
    async (request) => ({ releases: await listPublishedReleases(contextOf(request, deps)) }),
  );

  app.get(
    "/api/releases/:version",
    { config: publicAccess, schema: { tags, params: versionParam, response: { 200: releaseSchema } } },
    async (request) => getReleaseByVersion(contextOf(request, deps), request.params.version),
  );

  app.get("/releases.atom", { config: publicAccess, schema: { hide: true } }, async (request, reply) => {
    const feed = releaseFeed(deps.config, await listPublishedReleases(contextOf(request, deps)));
    return reply
      .type("application/atom+xml; charset=utf-8")
      .header("cache-control", "public, max-age=300")
      .send(feed);
  });

  // --- the product team's ---

  app.get(
    "/api/admin/releases",
    {
      config: staffAccess,
      schema: {
        tags,
        querystring: z.object({ status: z.enum(releaseStatuses).optional() }),
        response: { 200: z.object({ releases: z.array(releaseSchema) }) },
      },
    },
    async (request) => ({ releases: await listAllReleases(contextOf(request, deps), request.query) }),
  );

  app.post(
    "/api/admin/releases",
    { config: staffAccess, schema: { tags, body: releaseInput, response: { 201: releaseSchema } } },
    async (request, reply) => {
      const release = await createDraft(contextOf(request, deps), requireStaff(request), request.body);
      return reply.status(201).send(release);
    },
  );

  app.post(
    "/api/admin/releases/preview",
    { config: staffAccess, schema: { tags, body: releaseInput, response: { 200: previewSchema } } },
    async (request) => previewRelease(deps.config, request.body),
  );

  app.get(
    "/api/admin/releases/:id",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: releaseSchema } } },
    async (request) => getRelease(contextOf(request, deps), request.params.id),
  );

  app.patch(
    "/api/admin/releases/:id",
    {
      config: staffAccess,
      schema: { tags, params: idParam, body: releaseChanges, response: { 200: releaseSchema } },
    },
    async (request) => updateDraft(contextOf(request, deps), request.params.id, request.body),
  );

  app.delete(
    "/api/admin/releases/:id",
    { config: staffAccess, schema: { tags, params: idParam } },
    async (request, reply) => {
      await deleteDraft(contextOf(request, deps), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/admin/releases/:id/preview",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: previewSchema } } },
    async (request) => previewStoredRelease(contextOf(request, deps), request.params.id),
  );

  app.post(
    "/api/admin/releases/:id/publish",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: releaseSchema } } },
    async (request) => publishRelease(contextOf(request, deps), requireStaff(request), request.params.id),
  );

  // --- webhooks ---

  app.get(
    "/api/admin/webhooks",
    {
      config: staffAccess,
      schema: { tags, response: { 200: z.object({ webhooks: z.array(webhookSchema) }) } },
    },
    async () => ({ webhooks: await listWebhooks(deps.db) }),
  );

  app.post(
    "/api/admin/webhooks",
    {
      config: staffAccess,
      schema: {
        tags,
        body: z.object({ name: webhookName, url: webhookUrl }),
        response: { 201: webhookSchema.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) => {
      const webhook = await createWebhook(contextOf(request, deps), requireStaff(request), request.body);
      return reply.status(201).send(webhook);
    },
  );

  app.patch(
    "/api/admin/webhooks/:id",
    {
      config: staffAccess,
      schema: {
        tags,
        params: idParam,
        body: z
          .object({
            name: webhookName.optional(),
            url: webhookUrl.optional(),
            active: z.boolean().optional(),
          })
          .refine((body) => Object.values(body).some((value) => value !== undefined), "Say what to change."),
        response: { 200: webhookSchema },
      },
    },
    async (request) => updateWebhook(contextOf(request, deps), request.params.id, request.body),
  );

  app.delete(
    "/api/admin/webhooks/:id",
    { config: staffAccess, schema: { tags, params: idParam } },
    async (request, reply) => {
      await deactivateWebhook(contextOf(request, deps), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/admin/webhooks/:id/deliveries",
    {
      config: staffAccess,
      schema: { tags, params: idParam, response: { 200: z.object({ deliveries: z.array(deliverySchema) }) } },
    },
    async (request) => ({ deliveries: await listDeliveries(deps.db, request.params.id) }),
  );

  app.post(
    "/api/admin/webhook-deliveries/:id/redeliver",
    { config: staffAccess, schema: { tags, params: idParam, response: { 201: deliverySchema } } },
    async (request, reply) => {
      const delivery = await redeliver(contextOf(request, deps), request.params.id);
      return reply.status(201).send(delivery);
    },
  );
}
