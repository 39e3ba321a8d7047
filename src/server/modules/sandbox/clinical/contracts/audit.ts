import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";

const tag = "sandbox";

export const auditQuery = z.object({
  recordType: z.string().trim().max(40, "Use at most 40 characters.").optional(),
  recordId: z.uuid({ error: "Not a valid record id." }).optional(),
  studyId: z.uuid({ error: "Not a valid study id." }).optional(),
});
export type SandboxAuditQuery = z.output<typeof auditQuery>;

export const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.object({ id: z.string(), email: z.string() }),
  action: z.enum(["create", "update", "remove"]),
  recordType: z.string(),
  recordId: z.string(),
  studyId: z.string().nullable(),
  field: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const listSandboxAudit = operation({
  operationId: "listSandboxAudit",
  summary: "Read the development environment's audit trail",
  method: "GET",
  path: "/api/sandbox/audit",
  access: "member",
  tag,
  query: auditQuery,
  response: z.object({ entries: z.array(auditEntry) }),
});

export const sandboxAuditCsv = operation({
  operationId: "sandboxAuditCsv",
  summary: "Download the audit trail as CSV",
  method: "GET",
  path: "/api/sandbox/audit.csv",
  access: "member",
  tag,
  query: auditQuery,
  response: { contentType: "text/csv", description: "The audit entries, one a row." },
});
