import type { Route } from "../../../../platform/routes.js";
import * as deployments from "../contracts/deployments.js";
import * as environment from "../contracts/environment.js";
import * as flags from "../contracts/flags.js";
import * as settings from "../contracts/settings.js";
import { listDeployments, recordDeployment } from "../deployments.js";
import { environmentStatus } from "../environment.js";
import { createFlag, listFlags, updateFlag } from "../flags.js";
import { getSandboxSettings, updateSandboxSettings } from "../settings.js";

/** Operating the sandbox: feature flags, deployments, its settings and the environment status. */
export function operationsRoutes(route: Route): void {
  route(environment.getEnvironment, ({ ctx }) => environmentStatus(ctx));

  route(flags.listFlags, async ({ ctx }) => ({ flags: await listFlags(ctx) }));
  route(flags.createFlag, ({ ctx, body }) => createFlag(ctx, body));
  route(flags.updateFlag, ({ ctx, params, body }) => updateFlag(ctx, params.key, body));

  route(deployments.listDeployments, ({ ctx, query }) => listDeployments(ctx, query));
  route(deployments.recordDeployment, ({ ctx, body: { deployedAt, ...input } }) =>
    recordDeployment(ctx, { ...input, deployedAt: deployedAt ? new Date(deployedAt) : undefined }),
  );

  route(settings.getSandboxSettings, ({ ctx }) => getSandboxSettings(ctx));
  route(settings.updateSandboxSettings, ({ ctx, body }) => updateSandboxSettings(ctx, body));
}
