import { listAudit as listAuditOp } from "../../../shared/contracts/platform.js";
import { readTogether } from "../../db/together.js";
import type { Route } from "../routes.js";
import { type ErasedAddresses, listAuditEntries, verifyAuditChain } from "./service.js";

export function auditRoutes(route: Route, erasedAddresses: ErasedAddresses): void {
  route(listAuditOp, async ({ ctx, query }) => {
    const [entries, chain] = await readTogether(ctx.db, [
      () => listAuditEntries(ctx.db, query, erasedAddresses),
      () => verifyAuditChain(ctx.db, ctx.config),
    ]);
    return {
      entries,
      chain: {
        intact: chain.intact,
        rows: chain.rows,
        ...(!chain.intact && chain.brokenAtId !== null ? { brokenAtId: chain.brokenAtId } : {}),
      },
    };
  });
}
