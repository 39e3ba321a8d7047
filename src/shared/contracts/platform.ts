/** The platform's own operations: health and readiness, the Markdown preview, and the staff's audit log and mail outbox. */
import { z } from "zod";
import { operation } from "../contract.js";

const tag = "platform";

export const health = operation({
  operationId: "getHealth",
  summary: "Whether this node serves, its version and its database",
  method: "GET",
  path: "/api/health",
  access: "public",
  tag,
  response: z.object({
    status: z.literal("ok"),
    version: z.string(),
    database: z.enum(["pglite", "postgres"]),
  }),
});

export const readiness = operation({
  operationId: "getReadiness",
  summary: "Whether this node should be sent traffic",
  description:
    "Asks the database (a real query, 2 s at most) and every other registered check (such as Redis or object storage). 200 names each check; 503 `not_ready` names the failed ones in `details.checks`, and 503 `draining` says the node is shutting down. `/api/health` stays the liveness answer: it does not touch the database.",
  method: "GET",
  path: "/api/health/ready",
  access: "public",
  tag,
  errors: ["not_ready", "draining"],
  response: z.object({
    status: z.literal("ready"),
    checks: z.record(z.string(), z.literal("ok")),
  }),
});

/** As long as the longest text the community stores (a project document), so anything savable previews. */
export const PREVIEW_MAX_CHARACTERS = 200_000;

export const previewMarkdown = operation({
  operationId: "previewMarkdown",
  summary: "Render Markdown being typed, exactly as readers will see it",
  description: "For editors' live previews; nothing is stored.",
  method: "POST",
  path: "/api/markdown/preview",
  access: "member",
  tag,
  body: z.object({
    markdown: z
      .string({ error: "Send the Markdown to preview as text." })
      .max(PREVIEW_MAX_CHARACTERS, "Use at most 200,000 characters."),
  }),
  response: z.object({ html: z.string() }),
});

export const auditFilter = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(254).optional(),
  target: z.string().trim().max(100).optional(),
  from: z.coerce.date({ error: "Not a date." }).optional(),
  to: z.coerce.date({ error: "Not a date." }).optional(),
  beforeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditFilter = z.output<typeof auditFilter>;
export const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditChain = z.object({
  intact: z.boolean(),
  rows: z.number(),
  brokenAtId: z.number().optional(),
});
export type AuditChain = z.infer<typeof auditChain>;

export const listAudit = operation({
  operationId: "listAudit",
  summary: "The audit log, newest first, and whether its hash chain is intact",
  method: "GET",
  path: "/api/admin/audit",
  access: "staff",
  tag,
  query: auditFilter,
  response: z.object({ entries: z.array(auditEntry), chain: auditChain }),
});

export const outboxFilter = z.object({
  to: z.string().trim().max(254).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const mailMessage = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  status: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type MailMessage = z.infer<typeof mailMessage>;

export const listMail = operation({
  operationId: "listMail",
  summary: "The mail outbox, newest first",
  method: "GET",
  path: "/api/admin/mail",
  access: "staff",
  tag,
  query: outboxFilter,
  response: z.object({ messages: z.array(mailMessage) }),
});
