import { sendStoredFile } from "../../../platform/files/download.js";
import { readUpload } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/attachments.js";
import { attachToTicket, loadAttachment } from "../tickets.js";

export function attachmentRoutes(route: Route): void {
  route(contract.uploadTicketAttachment, async ({ ctx, params, request }) =>
    attachToTicket(ctx, params.id, await readUpload(request, ctx.config)),
  );
  route(contract.downloadTicketAttachment, async ({ ctx, params, reply }) =>
    sendStoredFile(reply, ctx.config, await loadAttachment(ctx, params.id)),
  );
}
