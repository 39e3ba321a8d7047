import { accountsModule } from "./modules/accounts/module.js";
import { chatModule } from "./modules/chat/module.js";
import { deskModule } from "./modules/desk/module.js";
import { groupsModule } from "./modules/groups/module.js";
import { ideasModule } from "./modules/ideas/module.js";
import { importsModule } from "./modules/imports/module.js";
import { knowledgeModule } from "./modules/knowledge/module.js";
import { pharmacyModule } from "./modules/pharmacy/module.js";
import { projectsModule } from "./modules/projects/module.js";
import { releasesModule } from "./modules/releases/module.js";
import { sandboxModule } from "./modules/sandbox/module.js";
import type { ConveneModule } from "./platform/module.js";

/** Every feature module, in the order their routes, hooks and commands are registered. */
export const modules: ConveneModule[] = [
  accountsModule,
  deskModule,
  chatModule,
  releasesModule,
  projectsModule,
  groupsModule,
  knowledgeModule,
  sandboxModule,
  pharmacyModule,
  ideasModule,
  importsModule,
];
