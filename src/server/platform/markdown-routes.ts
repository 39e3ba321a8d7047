import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { requireActor } from "./auth/http.js";
import { typed } from "./http.js";
import { renderMarkdown } from "./markdown.js";

/** As long as the longest text the community stores (a project document), so anything savable previews. */
export const PREVIEW_MAX_CHARACTERS = 200_000;

/**
 * Renders Markdown being typed, for editors' live previews: the server's sanitizer stays the only
 * thing that turns someone's text into markup. Signed-in members only; nothing is stored.
 */
export function registerMarkdownRoutes(scope: FastifyInstance): void {
  typed(scope).post(
    "/api/markdown/preview",
    {
      schema: {
        tags: ["platform"],
        body: z.object({
          markdown: z
            .string({ error: "Send the Markdown to preview as text." })
            .max(PREVIEW_MAX_CHARACTERS, "Use at most 200,000 characters."),
        }),
        response: { 200: z.object({ html: z.string() }) },
      },
    },
    async (request) => {
      requireActor(request);
      return { html: renderMarkdown(request.body.markdown) };
    },
  );
}
