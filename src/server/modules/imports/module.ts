import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { importCommands } from "./cli.js";
import { importRoutes } from "./routes/imports.js";

/** Moving in: Slack, Groups.io and Basecamp exports brought in through one pipeline (pipeline.ts). */
export const importsModule: ConveneModule = {
  name: "imports",
  async plugin(app, deps) {
    const running = new Set<Promise<unknown>>();
    const background = (work: Promise<unknown>) => {
      const kept = work.catch((error: unknown) => app.log.error(error)).finally(() => running.delete(kept));
      running.add(kept);
    };
    app.addHook("onClose", async () => {
      await Promise.allSettled([...running]);
    });
    importRoutes(router(app, deps), background);
  },
  commands: importCommands,
};
