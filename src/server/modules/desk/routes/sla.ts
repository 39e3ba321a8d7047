import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/sla.js";
import { slaReport, slaReportCsv } from "../reports.js";
import { listSlaPolicies, updateSlaPolicy } from "../sla.js";

export function slaRoutes(route: Route): void {
  route(contract.listSlaPolicies, async ({ ctx }) => ({ policies: await listSlaPolicies(ctx) }));
  route(contract.updateSlaPolicy, ({ ctx, params, body }) =>
    updateSlaPolicy(ctx, params.organisationId, body),
  );
  route(contract.getSlaReport, ({ ctx, query }) => slaReport(ctx, query));
  route(contract.downloadSlaReportCsv, async ({ ctx, query, reply }) => {
    const { filename, csv } = await slaReportCsv(ctx, query);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${filename}"`)
      .send(csv);
  });
}
