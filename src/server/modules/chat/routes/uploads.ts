import { sendStoredFile } from "../../../platform/files/download.js";
import { storeFile } from "../../../platform/files/store.js";
import { readUpload } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/uploads.js";
import { canReadMessageFile } from "../messages.js";

export function uploadRoutes(route: Route): void {
  route(contract.uploadFile, async ({ ctx, request }) => {
    const file = await storeFile(ctx, { ...(await readUpload(request, ctx.config)), field: "file" });
    return {
      id: file.id,
      filename: file.filename,
      contentType: file.contentType,
      size: file.size,
      isImage: file.contentType.startsWith("image/"),
    };
  });
  route(contract.getAttachment, async ({ ctx, params, reply }) =>
    sendStoredFile(reply, ctx.config, await canReadMessageFile(ctx, params.id)),
  );
}
