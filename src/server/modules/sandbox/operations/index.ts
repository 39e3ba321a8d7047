// Running the development environment: feature flags, deployments, settings, wipes and its status.
export { recordDeployment } from "./deployments.js";
export { createFlag, type FlagRef, flagRefs, requireFeature } from "./flags.js";
export type { FlagChange, FlagState, WipeStatus } from "./schema.js";
export { loadSandboxSettings, noticeChannel, rememberBaseline } from "./settings.js";
export { WipeRunner } from "./wipe-runner.js";
export {
  assertNotResetting,
  ENVIRONMENT_PATH,
  isSandboxRoute,
  localEnvironment,
  sandboxResetting,
} from "./wipe-state.js";
export { scheduleWipe, WIPE_CONFIRMATION, wipeNow } from "./wipes.js";
