import type { FastifyRequest } from "fastify";
import type { Config } from "../../../../config.js";
import { invalid } from "../../../../platform/errors.js";
import { tooLarge } from "../../../../platform/files/store.js";
import { formParts } from "../../../../platform/files/upload.js";
import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/phi-scan.js";
import { scanForPhi } from "../phi-scan.js";

const chooseExport = "Choose the export: a CSV file with a header row, or a JSON file.";

/**
 * Scans the form's `file` as it arrives: nothing is stored, and only the report is kept. The upload
 * limit (MAX_UPLOAD_MB) stops the multipart reader, which ends the file early: that is a 413, whatever
 * the scan made of the part it read.
 */
async function scanUpload(config: Config, request: FastifyRequest): Promise<contract.PhiScanReport> {
  if (!request.isMultipart())
    throw invalid({ file: chooseExport }, "Send the export as multipart/form-data.");
  for await (const part of formParts(request)) {
    if (part.type !== "file") continue;
    if (part.fieldname !== "file") {
      part.file.resume();
      continue;
    }
    const upload = part.file;
    try {
      const report = await scanForPhi({
        filename: part.filename,
        contentType: part.mimetype,
        // A refused file is still read to its end below, so the answer follows the whole upload.
        chunks: upload.iterator({ destroyOnReturn: false }),
      });
      if (upload.truncated) throw tooLarge(config, "file");
      return report;
    } catch (error) {
      upload.resume();
      throw upload.truncated ? tooLarge(config, "file") : error;
    }
  }
  throw invalid({ file: chooseExport }, "No file was sent.");
}

/** The PHI scan of an export, for the vendor's pipeline (a development-environment API token reaches it). */
export function phiScanRoutes(route: Route): void {
  route(contract.scanExportForPhi, ({ ctx, request }) => scanUpload(ctx.config, request));
}
