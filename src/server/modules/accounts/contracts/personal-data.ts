import { z } from "zod";
import { operation, storedFileAnswer } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam } from "../../../../shared/fields.js";
import { adminUser } from "./users.js";

const tag = "accounts";

export const personalDataExportStatuses = ["queued", "running", "ready", "failed", "expired"] as const;
export type PersonalDataExportStatus = (typeof personalDataExportStatuses)[number];
export const erasureStatuses = ["scheduled", "cancelled", "done"] as const;
export type ErasureStatus = (typeof erasureStatuses)[number];

/** How long a ready export can be downloaded before the archive is deleted. */
export const EXPORT_LINK_DAYS = 7;
/** How long a person's own erasure request waits, cancellable, before it is carried out. */
export const ERASURE_WAITING_DAYS = 14;
/** What a person types to ask for their own erasure, and staff type to erase someone. */
export const ERASURE_PHRASE = "erase my account";
export const STAFF_ERASURE_PHRASE = "erase this account";

/** An export's progress and state changed: to its owner only, whose profile page follows it. */
export const personalDataExportChanged = defineEvent<{
  exportId: string;
  status: PersonalDataExportStatus;
  step: string;
  done: number;
  total: number;
}>("accounts.personal_data_export");

export const personalDataExport = z.object({
  id: z.string(),
  status: z.enum(personalDataExportStatuses),
  step: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  /** The archive's size once ready. */
  size: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type PersonalDataExport = z.infer<typeof personalDataExport>;

export const erasureRequest = z.object({
  id: z.string(),
  removeContent: z.boolean(),
  dueAt: z.string(),
  createdAt: z.string(),
});
export type ErasureRequest = z.infer<typeof erasureRequest>;

export const myPersonalData = z.object({
  exports: z.array(personalDataExport),
  /** A scheduled erasure of this account, if one waits. */
  erasure: erasureRequest.nullable(),
});
export type MyPersonalData = z.infer<typeof myPersonalData>;

const removeContentField = z.boolean({ error: "Say whether what you wrote is removed or kept." });

export const myErasureInput = z.object({
  removeContent: removeContentField,
  confirmation: z.literal(ERASURE_PHRASE, { error: `Type "${ERASURE_PHRASE}" to confirm.` }),
});
export type MyErasureInput = z.output<typeof myErasureInput>;

export const staffErasureInput = z.object({
  removeContent: removeContentField,
  confirmation: z.literal(STAFF_ERASURE_PHRASE, { error: `Type "${STAFF_ERASURE_PHRASE}" to confirm.` }),
});
export type StaffErasureInput = z.output<typeof staffErasureInput>;

export const getMyPersonalData = operation({
  operationId: "getMyPersonalData",
  summary: "Your data exports and any erasure of your account that is waiting",
  method: "GET",
  path: "/api/me/personal-data",
  access: "member",
  tag,
  response: myPersonalData,
});

export const requestPersonalDataExport = operation({
  operationId: "requestPersonalDataExport",
  summary: "Start preparing a download of everything you hold here; the link is e-mailed when ready",
  method: "POST",
  path: "/api/me/personal-data/exports",
  access: "member",
  tag,
  status: 202,
  errors: ["conflict"],
  response: personalDataExport,
});

export const downloadPersonalDataExport = operation({
  operationId: "downloadPersonalDataExport",
  summary: "Download your data export (your session and the link's token)",
  method: "GET",
  path: "/api/me/personal-data/exports/:id/file",
  bearer: false,
  access: "member",
  tag,
  params: idParam,
  query: z.object({ token: z.string().min(1, "The link's token is missing.").max(200) }),
  errors: ["gone"],
  response: storedFileAnswer("The archive: one JSON file per area and your files.", "application/zip"),
});

// An erasure is for good, and an export's archive is read from the e-mailed link in a browser: these
// refuse API tokens (`bearer: false`).
export const requestMyErasure = operation({
  operationId: "requestMyErasure",
  summary: "Ask for your account to be erased after the waiting period",
  method: "POST",
  path: "/api/me/erasure",
  bearer: false,
  access: "member",
  tag,
  body: myErasureInput,
  status: 201,
  response: erasureRequest,
});

export const cancelMyErasure = operation({
  operationId: "cancelMyErasure",
  summary: "Cancel the waiting erasure of your account",
  method: "DELETE",
  path: "/api/me/erasure",
  bearer: false,
  access: "member",
  tag,
});

export const eraseUser = operation({
  operationId: "eraseUser",
  summary: "Erase a person's account now: anonymised everywhere, their content kept or removed",
  method: "POST",
  path: "/api/admin/users/:id/erasure",
  bearer: false,
  access: "staff",
  tag,
  params: idParam,
  body: staffErasureInput,
  response: adminUser,
});
