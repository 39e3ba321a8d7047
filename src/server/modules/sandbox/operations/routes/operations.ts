import type { Route } from "../../../../platform/routes.js";
import * as deployments from "../contracts/deployments.js";
import * as environment from "../contracts/environment.js";
import * as flags from "../contracts/flags.js";
import * as settings from "../contracts/settings.js";
import { listDeployments, recordDeployment } from "../deployments.js";
import { environmentStatus } from "../environment.js";
import { createFlag, listFlags, updateFlag } from "../flags.js";
import { flagsSource, refuseWhileProductOwnsFlags } from "../product-flags.js";
import { getSandboxSettings, updateSandboxSettings } from "../settings.js";

/**
 * Operating the sandbox: feature flags, deployments, its settings and the environment status. While the
 * product's flag service owns the flags' states, staff may not set one here (409): not by a new flag
 * switched on, a change of state or a deployment's flags. Server code seeding the demo may.
 */
export function operationsRoutes(route: Route): void {
  route(environment.getEnvironment, ({ ctx }) => environmentStatus(ctx));

  route(flags.listFlags, async ({ ctx }) => ({
    flags: await listFlags(ctx),
    flagsSource: flagsSource(ctx.config),
  }));
  route(flags.createFlag, ({ ctx, body }) => {
    // Defined switched off, a flag is there for the product's flag service to set by its key.
    if (body.state !== "off") refuseWhileProductOwnsFlags(ctx.config, "state");
    return createFlag(ctx, body);
  });
  route(flags.updateFlag, ({ ctx, params, body }) => updateFlag(ctx, params.key, body));

  route(deployments.listDeployments, ({ ctx, query }) => listDeployments(ctx, query));
  route(deployments.recordDeployment, ({ ctx, body: { deployedAt, ...input } }) => {
    if (Object.keys(input.flags ?? {}).length > 0) refuseWhileProductOwnsFlags(ctx.config, "flags");
    return recordDeployment(ctx, { ...input, deployedAt: deployedAt ? new Date(deployedAt) : undefined });
  });

  route(settings.getSandboxSettings, ({ ctx }) => getSandboxSettings(ctx));
  route(settings.updateSandboxSettings, ({ ctx, body }) => updateSandboxSettings(ctx, body));
}
