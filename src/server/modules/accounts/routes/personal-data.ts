import { sendStoredFile } from "../../../platform/files/download.js";
import type { Route } from "../../../platform/routes.js";
import type { SerialWorker } from "../../../platform/serial-worker.js";
import * as contract from "../contracts/personal-data.js";
import { cancelMyErasure, eraseUserNow, requestMyErasure, scheduledErasureOf } from "../erasure.js";
import { listMyExports, loadExportDownload, requestExport } from "../personal-data-export.js";

/** "Your data" on the profile and staff's erasure of an account; `worker` builds what is asked for. */
export function personalDataRoutes(route: Route, worker: SerialWorker): void {
  route(contract.getMyPersonalData, async ({ ctx }) => ({
    exports: await listMyExports(ctx),
    erasure: await scheduledErasureOf(ctx, ctx.actor.id),
  }));
  route(contract.requestPersonalDataExport, async ({ ctx }) => {
    const queued = await requestExport(ctx);
    void worker.flush();
    return queued;
  });
  route(contract.downloadPersonalDataExport, async ({ ctx, params, query, reply }) => {
    const file = await loadExportDownload(ctx, params.id, query.token);
    return sendStoredFile(reply.header("cache-control", "no-store"), ctx.config, file);
  });
  route(contract.requestMyErasure, ({ ctx, body }) => requestMyErasure(ctx, body));
  route(contract.cancelMyErasure, ({ ctx }) => cancelMyErasure(ctx));
  route(contract.eraseUser, ({ ctx, params, body }) => eraseUserNow(ctx, params.id, body));
}
