import { inTransaction } from "../../../platform/context.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/organisations.js";
import { createOrganisation, listOrganisations, updateOrganisation } from "../organisations.js";

export function organisationRoutes(route: Route): void {
  route(contract.listOrganisations, async ({ ctx }) => ({ organisations: await listOrganisations(ctx.db) }));
  route(contract.createOrganisation, ({ ctx, body }) =>
    inTransaction(ctx, (tx) => createOrganisation(tx, body)),
  );
  route(contract.updateOrganisation, ({ ctx, params, body }) =>
    inTransaction(ctx, (tx) => updateOrganisation(tx, params.id, body)),
  );
}
