// Volunteer data in bulk: the synthetic generator, the baseline and obfuscating imports.
export { type BaselineOptions, seedSandboxBaseline } from "./baseline.js";
export { type RestoredBaseline, restoreBaseline, storeBaselinePayload } from "./baseline-payload.js";
export type { PhiScanReport } from "./contracts/phi-scan.js";
export { prepareVolunteerImport } from "./imports.js";
export { type PhiScanProgress, scanForPhi } from "./phi-scan.js";
export { volunteerImportRoutes } from "./routes/imports.js";
export { phiScanRoutes } from "./routes/phi-scan.js";
export {
  createSfc32Randomizer,
  DEFAULT_SEED,
  generateVolunteers,
  type SyntheticVolunteer,
} from "./synthetic.js";
