import { useQuery } from "@tanstack/react-query";
import type {
  DeliveryView,
  FeatureView,
  ReleaseView,
  WebhookView,
} from "../../../server/modules/releases/present.js";
import type { ReleaseInput, ReleasePreview } from "../../../server/modules/releases/releases.js";
import type { SlackPayload } from "../../../server/modules/releases/slack.js";
import { api } from "../../app/api.js";

export type { ReleaseInput, ReleasePreview, SlackPayload };
export type Feature = FeatureView;
export type Availability = Feature["availability"];
export type Release = ReleaseView;
export type ReleaseStatus = Release["status"];
export type Webhook = WebhookView;
export type Delivery = DeliveryView;
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

const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");

export const releasesApi = {
  create: (body: ReleaseInput) => api.post<Release>("/api/admin/releases", body),
  update: (id: string, body: Partial<ReleaseInput>) =>
    api.patch<Release>(`/api/admin/releases/${path(id)}`, body),
  remove: (id: string) => api.delete(`/api/admin/releases/${path(id)}`),
  preview: (body: ReleaseInput) => api.post<ReleasePreview>("/api/admin/releases/preview", body),
  publish: (id: string) => api.post<Release>(`/api/admin/releases/${path(id)}/publish`),
  createWebhook: (body: { name: string; url: string }) =>
    api.post<Webhook & { secret: string }>("/api/admin/webhooks", body),
  updateWebhook: (id: string, body: { name?: string; url?: string; active?: boolean }) =>
    api.patch<Webhook>(`/api/admin/webhooks/${path(id)}`, body),
  redeliver: (deliveryId: string) =>
    api.post<Delivery>(`/api/admin/webhook-deliveries/${path(deliveryId)}/redeliver`),
};

export const usePublishedReleases = () =>
  useQuery({
    queryKey: releaseKeys.published,
    queryFn: () => api.get<{ releases: Release[] }>("/api/releases"),
    select: (data) => data.releases,
  });

export const useReleaseByVersion = (version: string) =>
  useQuery({
    queryKey: releaseKeys.byVersion(version),
    queryFn: () => api.get<Release>(`/api/releases/${path(version)}`),
    retry: false,
  });

export const useAdminReleases = () =>
  useQuery({
    queryKey: releaseKeys.admin,
    queryFn: () => api.get<{ releases: Release[] }>("/api/admin/releases"),
    select: (data) => data.releases,
  });

export const useAdminRelease = (id: string) =>
  useQuery({
    queryKey: releaseKeys.adminOne(id),
    queryFn: () => api.get<Release>(`/api/admin/releases/${path(id)}`),
    retry: false,
  });

export const useWebhooks = () =>
  useQuery({
    queryKey: releaseKeys.webhooks,
    queryFn: () => api.get<{ webhooks: Webhook[] }>("/api/admin/webhooks"),
    select: (data) => data.webhooks,
  });

/** The delivery log; polled while anything in it is still pending. */
export const useDeliveries = (webhookId: string) =>
  useQuery({
    queryKey: releaseKeys.deliveries(webhookId),
    queryFn: () => api.get<{ deliveries: Delivery[] }>(`/api/admin/webhooks/${path(webhookId)}/deliveries`),
    select: (data) => data.deliveries,
    refetchInterval: (query) =>
      query.state.data?.deliveries.some((delivery) => delivery.status === "pending") ? 3000 : false,
  });
