import { renderMarkdown } from "../../../platform/markdown.js";
import type { ReleaseRef } from "../../releases/index.js";
import type { Deployment as DeploymentView } from "./contracts/deployments.js";
import type { Flag as FlagView } from "./contracts/flags.js";
import type { Wipe as WipeView } from "./contracts/wipes.js";
import type { sandboxDeployments, sandboxFlags, sandboxWipes } from "./schema.js";

export type FlagRow = typeof sandboxFlags.$inferSelect;
export type DeploymentRow = typeof sandboxDeployments.$inferSelect;

export const presentFlag = (row: FlagRow, release: ReleaseRef | null): FlagView => ({
  key: row.key,
  name: row.name,
  description: row.description,
  state: row.state,
  release,
  updatedAt: row.updatedAt.toISOString(),
});

export const presentDeployment = (
  row: DeploymentRow,
  recordedBy: { id: string; name: string } | null,
): DeploymentView => ({
  id: row.id,
  buildId: row.buildId,
  version: row.version,
  deployedAt: row.deployedAt.toISOString(),
  notes: row.notes,
  notesHtml: renderMarkdown(row.notes),
  flagChanges: row.flagChanges,
  unreleased: row.unreleased,
  recordedBy,
  recordedAt: row.recordedAt.toISOString(),
});

export type WipeRow = typeof sandboxWipes.$inferSelect;

export const presentWipe = (row: WipeRow, people: Map<string, { id: string; name: string }>): WipeView => ({
  id: row.id,
  scheduledFor: row.scheduledFor.toISOString(),
  message: row.message,
  status: row.status,
  immediate: row.immediate,
  scheduledBy: people.get(row.scheduledBy) ?? null,
  createdAt: row.createdAt.toISOString(),
  startedAt: row.startedAt?.toISOString() ?? null,
  finishedAt: row.finishedAt?.toISOString() ?? null,
  cancelledBy: row.cancelledBy ? (people.get(row.cancelledBy) ?? null) : null,
  error: row.error,
  resetsProduct: row.resetsProduct,
  resetAttempts: row.resetAttempts,
});

export type { Deployment as DeploymentView } from "./contracts/deployments.js";
export type { Environment as EnvironmentView } from "./contracts/environment.js";
export type { Flag as FlagView } from "./contracts/flags.js";
export type { SandboxSettings as SandboxSettingsView } from "./contracts/settings.js";
export type { Wipe as WipeView } from "./contracts/wipes.js";
