import type { Route } from "../../../platform/routes.js";
import { getContainer, listContainers, moveContainer } from "../containers.js";
import * as contract from "../contracts/containers.js";
import { containerLabel } from "../label.js";

export function containerRoutes(route: Route): void {
  route(contract.listContainers, ({ ctx, query }) => listContainers(ctx, query));
  route(contract.getContainer, ({ ctx, params }) => getContainer(ctx, params.id));
  route(contract.moveContainer, ({ ctx, params, body }) => moveContainer(ctx, params.id, body.to));
  route(contract.containerLabel, async ({ ctx, params, reply }) => {
    const svg = await containerLabel(ctx, params.id);
    return reply.type("image/svg+xml; charset=utf-8").send(svg);
  });
}
