import { previewMarkdown } from "../../shared/contracts/platform.js";
import { renderMarkdown } from "./markdown.js";
import type { Route } from "./routes.js";

export { PREVIEW_MAX_CHARACTERS } from "../../shared/contracts/platform.js";

/**
 * Editors' live previews go through the server's renderer, so its sanitizer stays the only thing that
 * turns someone's text into markup.
 */
export function markdownRoutes(route: Route): void {
  route(previewMarkdown, async ({ body }) => ({ html: renderMarkdown(body.markdown) }));
}
