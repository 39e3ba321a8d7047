import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/audit.js";
import { listSandboxAudit, sandboxAuditCsv } from "../sandbox-audit.js";

export function sandboxAuditRoutes(route: Route): void {
  route(contract.listSandboxAudit, async ({ ctx, query }) => ({
    entries: await listSandboxAudit(ctx, query),
  }));
  route(contract.sandboxAuditCsv, async ({ ctx, query, reply }) => {
    const entries = await listSandboxAudit(ctx, query);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="sandbox-audit.csv"')
      .send(sandboxAuditCsv(entries));
  });
}
