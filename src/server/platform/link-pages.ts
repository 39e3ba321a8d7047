import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * The small pages a link in an e-mail opens without signing in (unsubscribe, rating): plain HTML for a
 * person in a mail reader, JSON for scripts and mail providers, and forms that post back to them.
 */

/** Lets a scope's routes read a plain HTML form's urlencoded body. */
export function acceptFormBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );
}

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** A person following the link from a mail reader gets a page; mail providers and scripts get JSON. */
export const wantsPage = (request: FastifyRequest) => request.headers.accept?.includes("text/html") ?? false;

/** Answers with a page of its own: `body` is HTML the caller has escaped. */
export function linkPage(reply: FastifyReply, title: string, body: string): void {
  reply
    .type("text/html; charset=utf-8")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">` +
        `<main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    );
}
