// Running the development environment: feature flags, deployments, settings, wipes and its status.

export type { FlagChange, FlagState } from "./contracts/flags.js";
export type { WipeStatus } from "./contracts/wipes.js";
export { currentBuild, recordDeployment } from "./deployments.js";
export { allFlagRefs, createFlag, type FlagRef, flagRefs, requireFeature } from "./flags.js";
export { operationsRoutes } from "./routes/operations.js";
export { productFlagRoutes } from "./routes/product-flags.js";
export { wipeRoutes } from "./routes/wipes.js";
export { loadSandboxSettings, noticeChannel, rememberBaseline } from "./settings.js";
export { failAbandonedWipes } from "./wipe-liveness.js";
export { WipeRunner } from "./wipe-runner.js";
export {
  assertNotResetting,
  ENVIRONMENT_PATH,
  isSandboxRoute,
  localEnvironment,
  sandboxResetting,
} from "./wipe-state.js";
export { scheduleWipe, WIPE_CONFIRMATION, wipeNow } from "./wipes.js";
