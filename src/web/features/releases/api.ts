import { useQuery } from "@tanstack/react-query";
import type {
  Feature,
  ReleaseChanges,
  ReleaseInput,
} from "../../../server/modules/releases/contracts/releases.js";
import * as releases from "../../../server/modules/releases/contracts/releases.js";
import type {
  Delivery,
  WebhookChanges,
  WebhookInput,
} from "../../../server/modules/releases/contracts/webhooks.js";
import * as webhooks from "../../../server/modules/releases/contracts/webhooks.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";

export type {
  Feature,
  Release,
  ReleaseInput,
  ReleasePreview,
  ReleaseStatus,
  SlackPayload,
} from "../../../server/modules/releases/contracts/releases.js";
export type { Delivery, Webhook } from "../../../server/modules/releases/contracts/webhooks.js";
export type Availability = Feature["availability"];
export type DeliveryStatus = Delivery["status"];

export const availabilityLabels: Record<Availability, string> = { ga: "GA", preview: "Preview" };

/** Modules the product has today; the form suggests them but takes any name. */
export const knownModules = ["eSource", "Pharmacy", "Scheduling", "Study builder", "Volunteers", "Reporting"];

export const releaseKeys = {
  published: ["releases", "published"] as const,
  byVersion: (version: string) => ["releases", "version", version] as const,
  admin: ["admin", "releases"] as const,
  adminOne: (id: string) => ["admin", "releases", id] as const,
  webhooks: ["admin", "webhooks"] as const,
  deliveries: (webhookId: string) => ["admin", "webhooks", webhookId, "deliveries"] as const,
};

export const releasesApi = {
  create: (body: ReleaseInput) => callApi(releases.createRelease, { body }),
  update: (id: string, body: ReleaseChanges) => callApi(releases.updateRelease, { params: { id }, body }),
  remove: (id: string) => callApi(releases.deleteRelease, { params: { id } }),
  preview: (body: ReleaseInput) => callApi(releases.previewRelease, { body }),
  publish: (id: string) => callApi(releases.publishRelease, { params: { id } }),
  setCloses: (id: string, body: Request<typeof releases.setReleaseCloses>["body"]) =>
    callApi(releases.setReleaseCloses, { params: { id }, body }),
  createWebhook: (body: WebhookInput) => callApi(webhooks.createWebhook, { body }),
  updateWebhook: (id: string, body: WebhookChanges) =>
    callApi(webhooks.updateWebhook, { params: { id }, body }),
  redeliver: (id: string) => callApi(webhooks.redeliver, { params: { id } }),
};

export const usePublishedReleases = () =>
  useQuery({
    queryKey: releaseKeys.published,
    queryFn: () => callApi(releases.listPublishedReleases, {}),
    select: (data) => data.releases,
  });

export const useReleaseByVersion = (version: string) =>
  useQuery({
    queryKey: releaseKeys.byVersion(version),
    queryFn: () => callApi(releases.getPublishedRelease, { params: { version } }),
    retry: false,
  });

export const useAdminReleases = () =>
  useQuery({
    queryKey: releaseKeys.admin,
    queryFn: () => callApi(releases.listReleases, {}),
    select: (data) => data.releases,
  });

export const useAdminRelease = (id: string) =>
  useQuery({
    queryKey: releaseKeys.adminOne(id),
    queryFn: () => callApi(releases.getRelease, { params: { id } }),
    retry: false,
  });

export const useWebhooks = () =>
  useQuery({
    queryKey: releaseKeys.webhooks,
    queryFn: () => callApi(webhooks.listWebhooks, {}),
    select: (data) => data.webhooks,
  });

/** The delivery log; polled while anything in it is still pending. */
export const useDeliveries = (webhookId: string) =>
  useQuery({
    queryKey: releaseKeys.deliveries(webhookId),
    queryFn: () => callApi(webhooks.listDeliveries, { params: { id: webhookId } }),
    select: (data) => data.deliveries,
    refetchInterval: (query) =>
      query.state.data?.deliveries.some((delivery) => delivery.status === "pending") ? 3000 : false,
  });
