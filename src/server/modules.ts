import { releasesModule } from "./modules/releases/module.js";
import { sandboxModule } from "./modules/sandbox/module.js";
import type { ConveneModule } from "./platform/module.js";

/** Every feature module, in the order their routes, hooks and commands are registered. */
export const modules: ConveneModule[] = [releasesModule, sandboxModule];
