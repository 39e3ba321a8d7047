import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { documentEditing } from "./contracts/documents.js";
import { mayReadDocument } from "./documents.js";
// Declares the project items the inbox asks about (who may see a post, a feedback round).
import "./notifications.js";
import { documentRoutes } from "./routes/documents.js";
import { feedbackRoutes } from "./routes/feedback.js";
import { fileRoutes } from "./routes/files.js";
import { postRoutes } from "./routes/posts.js";
import { projectRoutes } from "./routes/projects.js";
// Answers to notification e-mails, posted through this module's own service.
import "./mail-replies.js";
// Posts, comments, documents, files and projects, found by the one search.
import "./search-sources.js";
// Its share of a person's data export and erasure.
import "./personal-data.js";

/** Collaboration projects: participants, the message board, documents, files and feedback rounds. */
export const projectsModule: ConveneModule = {
  name: "projects",
  async plugin(app, deps) {
    const route = router(app, deps);
    projectRoutes(route);
    postRoutes(route);
    documentRoutes(route);
    fileRoutes(route);
    feedbackRoutes(route);
    deps.gateway.allowActivity(documentEditing, mayReadDocument);
  },
};
