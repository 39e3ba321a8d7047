import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { articleRoutes } from "./routes/articles.js";
import { categoryRoutes } from "./routes/categories.js";
// The suggestions a person opened and the versions they saved, in "download my data".
import "./personal-data.js";
// Articles, found by the one search.
import "./search-sources.js";

/** The knowledge base: categories, versioned articles, suggestions while a ticket is written. */
export const knowledgeModule: ConveneModule = {
  name: "knowledge",
  async plugin(app, deps) {
    const route = router(app, deps);
    categoryRoutes(route);
    articleRoutes(route);
  },
};
