import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { defineEvent } from "../../../../../shared/events.js";
import { resettingErrors } from "../../access/contracts/gate.js";
import { flagStates, stateField } from "./flags.js";

export const MAX_DEPLOYMENT_PAGE = 100;

const tag = "sandbox";

// Formats (build id, version, time not in the future) are checked by the service, which the CLI shares.
export const deploymentInput = z.object({
  buildId: z.string({ error: "Enter the build id." }),
  version: z.string({ error: "Enter the version." }),
  deployedAt: z.iso
    .datetime({ offset: true, error: "Enter the time as an ISO 8601 date and time." })
    .optional(),
  notes: z.string({ error: "Write the notes as Markdown text." }).default(""),
  flags: z.record(z.string(), stateField).optional(),
});
export const deploymentPage = z.object({
  limit: z.coerce
    .number()
    .int("Ask for a whole number.")
    .min(1, "Ask for at least 1.")
    .max(MAX_DEPLOYMENT_PAGE, `Ask for at most ${MAX_DEPLOYMENT_PAGE}.`)
    .optional(),
  before: z.uuid({ error: "Not a valid deployment id." }).optional(),
});
export type DeploymentPageQuery = z.output<typeof deploymentPage>;

const flagChange = z.object({ key: z.string(), from: z.enum(flagStates), to: z.enum(flagStates) });
/** A build deployed to the sandbox; the notes are rendered by the server's one sanitizer. */
export const deployment = z.object({
  id: z.string(),
  buildId: z.string(),
  version: z.string(),
  deployedAt: z.string(),
  notes: z.string(),
  notesHtml: z.string(),
  flagChanges: z.array(flagChange),
  unreleased: z.boolean(),
  recordedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  recordedAt: z.string(),
});
export type Deployment = z.infer<typeof deployment>;

export const listDeployments = operation({
  operationId: "listSandboxDeployments",
  pipeline: true,
  summary: "List the builds deployed to the development environment",
  method: "GET",
  path: "/api/sandbox/deployments",
  access: "member",
  tag,
  query: deploymentPage,
  response: z.object({ deployments: z.array(deployment), nextBefore: z.string().nullable() }),
  errors: resettingErrors,
});

export const recordDeployment = operation({
  operationId: "recordSandboxDeployment",
  pipeline: true,
  summary: "Record a deployment to the development environment",
  method: "POST",
  path: "/api/admin/sandbox/deployments",
  access: "staff",
  tag,
  body: deploymentInput,
  response: deployment,
  status: 201,
  errors: resettingErrors,
});

/** A deployment was recorded (its flag states applied): the banner's build and every open page follow. */
export const deployed = defineEvent<{ deployment: Deployment }>("sandbox.deployed");
