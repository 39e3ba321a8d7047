import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { resettingErrors } from "../../access/contracts/gate.js";

const tag = "sandbox";

const noticeHours = "Give a notice period of 1 to 720 whole hours.";
export const settingsChanges = z
  .object({
    noticeChannelId: z.uuid({ error: "Choose a channel." }).nullable().optional(),
    wipeNoticeHours: z
      .number({ error: noticeHours })
      .int(noticeHours)
      .min(1, noticeHours)
      .max(720, noticeHours)
      .optional(),
  })
  .refine(
    (changes) => changes.noticeChannelId !== undefined || changes.wipeNoticeHours !== undefined,
    "Say what to change.",
  );
export type SettingsChanges = z.output<typeof settingsChanges>;

/** Where notices go (`noticeChannelId` null: #announcements, named in `noticeChannel`) and the wipe notice. */
export const sandboxSettings = z.object({
  noticeChannelId: z.string().nullable(),
  noticeChannel: z.object({ id: z.string(), name: z.string() }),
  wipeNoticeHours: z.number(),
  updatedAt: z.string().nullable(),
});
export type SandboxSettings = z.infer<typeof sandboxSettings>;

export const getSandboxSettings = operation({
  operationId: "getSandboxSettings",
  summary: "Read the development environment's settings",
  method: "GET",
  path: "/api/admin/sandbox/settings",
  access: "staff",
  tag,
  response: sandboxSettings,
  errors: resettingErrors,
});

export const updateSandboxSettings = operation({
  operationId: "updateSandboxSettings",
  summary: "Change the development environment's settings",
  method: "PATCH",
  path: "/api/admin/sandbox/settings",
  access: "staff",
  tag,
  body: settingsChanges,
  response: sandboxSettings,
  errors: resettingErrors,
});
