import { useQuery } from "@tanstack/react-query";
import { api } from "../../app/api.js";

export type Availability = "ga" | "preview";
export type ReleaseStatus = "draft" | "published";

export type Feature = { title: string; module: string; availability: Availability; description: string };

export type Release = {
  id: string;
  version: string;
  title: string;
  releaseDate: string;
  notes: string;
  notesHtml: string;
  status: ReleaseStatus;
  features: Feature[];
  url: string;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type ReleaseInput = {
  version: string;
  title: string;
  releaseDate: string;
  notes: string;
  features: Feature[];
};

export type SlackPayload = { text: string; blocks: Record<string, unknown>[] };

export type ReleasePreview = {
  html: string;
  notesHtml: string;
  announcement: { body: string; html: string };
  email: { subject: string; text: string };
  slack: SlackPayload;
};

export type DeliveryStatus = "pending" | "succeeded" | "failed";

export type Webhook = {
  id: string;
  name: string;
  url: string;
  active: boolean;
  createdAt: string;
  lastDelivery: { status: DeliveryStatus; lastStatusCode: number | null; createdAt: string } | null;
};

export type Delivery = {
  id: string;
  webhookId: string;
  release: { id: string; version: string } | null;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

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
