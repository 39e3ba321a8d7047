import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/transfer.js";
import { exportStudies, importStudies } from "../study-transfer.js";

const fileName = (organisation: string, at: string) =>
  `studies-${
    organisation
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "organisation"
  }-${at.slice(0, 10)}.json`;

/** The export and import of an organisation's studies around a wipe. */
export function studyTransferRoutes(route: Route): void {
  route(contract.exportStudies, async ({ ctx, query, reply }) => {
    const exported = await exportStudies(ctx, query.organisationId);
    reply.header(
      "content-disposition",
      `attachment; filename="${fileName(exported.organisation.name, exported.exportedAt)}"`,
    );
    return exported;
  });
  route(contract.importStudies, ({ ctx, query, body }) =>
    importStudies(ctx, body.studies, {
      organisationId: query.organisationId,
      skipExisting: query.skipExisting,
    }),
  );
}
