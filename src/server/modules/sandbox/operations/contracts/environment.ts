import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";

/** The banner and status page: what runs, what is in preview, the wipes, and how much is there. */
export const environment = z.object({
  build: z
    .object({ buildId: z.string(), version: z.string(), deployedAt: z.string(), unreleased: z.boolean() })
    .nullable(),
  flagsInPreview: z.array(z.object({ key: z.string(), name: z.string() })),
  nextWipe: z.object({ id: z.string(), scheduledFor: z.string(), message: z.string() }).nullable(),
  lastWipe: z.object({ finishedAt: z.string(), status: z.enum(["completed", "failed"]) }).nullable(),
  /** While a wipe runs: its progress (step, done, total) on the node running it, null elsewhere. */
  wipe: z
    .object({
      status: z.literal("running"),
      step: z.string().nullable(),
      done: z.number().nullable(),
      total: z.number().nullable(),
    })
    .nullable(),
  /** Studies and volunteers are null while a wipe runs: their tables are locked until it ends. */
  counts: z.object({ studies: z.number().nullable(), volunteers: z.number().nullable(), users: z.number() }),
  /** The vendor's real product this environment fronts (PRODUCT_URL), or null for the built-in stand-in. */
  productUrl: z.string().nullable(),
});
export type Environment = z.infer<typeof environment>;

export const getEnvironment = operation({
  operationId: "getSandboxEnvironment",
  pipeline: true,
  summary: "Read the development environment's status",
  method: "GET",
  path: "/api/sandbox/environment",
  access: "member",
  tag: "sandbox",
  response: environment,
});
