import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
// Declares the idea item the inbox asks about (every signed-in person reads ideas).
import "./notifications.js";
import { ideaRoutes } from "./routes/ideas.js";
// What a person wrote and voted for here, in "download my data" and "erase me".
import "./personal-data.js";
// Ideas, found by the one search.
import "./search-sources.js";

/** Ideas from members: votes, comments, statuses with their links, merges and the roadmap. */
export const ideasModule: ConveneModule = {
  name: "ideas",
  async plugin(app, deps) {
    ideaRoutes(router(app, deps));
  },
};
