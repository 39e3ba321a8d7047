import { renderMarkdown } from "../../../platform/markdown.js";
import type {
  AgreementVersion as AgreementVersionView,
  Agreement as AgreementView,
} from "./contracts/agreement.js";
import type { sandboxAgreements } from "./schema.js";

export type AgreementRow = typeof sandboxAgreements.$inferSelect;

export function presentAgreement(row: AgreementRow, acceptedAt: Date | null): AgreementView {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    acceptedAt: acceptedAt?.toISOString() ?? null,
  };
}

export function presentAgreementVersion(
  row: AgreementRow,
  currentId: string | null,
  acceptanceCount: number,
): AgreementVersionView {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    status: row.status,
    current: row.id === currentId,
    createdAt: row.createdAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    acceptanceCount,
  };
}

export type {
  Acceptance as AcceptanceView,
  Agreement as AgreementView,
  AgreementVersion as AgreementVersionView,
} from "./contracts/agreement.js";
export type { PersonOption, SandboxUser as SandboxUserView } from "./contracts/users.js";
