import { renderMarkdown } from "../../platform/markdown.js";
import type { AgreementStatus, SandboxRole, sandboxAgreements } from "./schema.js";

export type AgreementRow = typeof sandboxAgreements.$inferSelect;

/** The agreement as a reader sees it: the text, rendered by the server, and when they accepted it. */
export type AgreementView = {
  id: string;
  version: number;
  title: string;
  body: string;
  bodyHtml: string;
  publishedAt: string | null;
  acceptedAt: string | null;
};

/** The agreement as staff edit it. */
export type AgreementVersionView = {
  id: string;
  version: number;
  title: string;
  body: string;
  bodyHtml: string;
  status: AgreementStatus;
  current: boolean;
  createdAt: string;
  publishedAt: string | null;
  acceptanceCount: number;
};

export type AcceptanceView = {
  person: { id: string; name: string; email: string };
  organisation: { id: string; name: string } | null;
  acceptedAt: string;
  ip: string | null;
  userAgent: string | null;
};

export type SandboxUserView = {
  id: string;
  name: string;
  email: string;
  organisation: { id: string; name: string };
  role: SandboxRole;
  addedAt: string;
};

export type PersonOption = {
  id: string;
  name: string;
  email: string;
  organisation: { id: string; name: string };
};

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
