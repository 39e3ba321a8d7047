import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, publicAccess } from "../../platform/auth/http.js";
import { typed } from "../../platform/http.js";
import { describeUnsubscribe, type UnsubscribeView, unsubscribe } from "./unsubscribe.js";

const UNSUBSCRIBE_PATH = "/api/groups/unsubscribe";

const tokenQuery = z.object({
  token: z
    .string({ error: "The link has no token; open it again from the e-mail." })
    .max(200, "Not a valid link."),
});
const unsubscribeView = z.object({
  group: z.object({ handle: z.string(), name: z.string() }),
  delivery: z.enum(["all", "digest", "none"]),
});
/** What RFC 8058 mail providers POST; a person's browser posts the same from the confirmation page. */
const oneClickBody = z.object({ "List-Unsubscribe": z.literal("One-Click").optional() }).nullish();

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** A person following the link from a mail reader gets a page; mail providers and scripts get JSON. */
const wantsPage = (request: FastifyRequest) => request.headers.accept?.includes("text/html") ?? false;

function page(reply: FastifyReply, title: string, body: string) {
  return reply
    .type("text/html; charset=utf-8")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">` +
        `<h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

/**
 * One-click unsubscribe from group mail, without signing in: the signed token in the link names the
 * group and the person. GET only shows what would change (link checkers and previews follow GETs);
 * POST does it, as RFC 8058 asks.
 */
export function registerGroupMailRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  // Its own scope: only these routes read the form body that mail providers send.
  void scope.register(async (mail) => {
    mail.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    typed(mail).get(
      UNSUBSCRIBE_PATH,
      {
        config: publicAccess,
        schema: {
          tags: ["groups"],
          summary: "What a one-click unsubscribe link would change (no sign-in; the token is signed)",
          querystring: tokenQuery,
          response: { 200: unsubscribeView },
        },
      },
      async (request, reply) => {
        const view = await describeUnsubscribe(contextOf(request, deps), request.query.token);
        if (!wantsPage(request)) return view;
        return confirmationPage(reply, request.query.token, view);
      },
    );

    typed(mail).post(
      UNSUBSCRIBE_PATH,
      {
        // Mail providers post from their own servers, with neither a session nor our CSRF header.
        config: { ...publicAccess, csrf: false },
        schema: {
          tags: ["groups"],
          summary: "One-click unsubscribe (RFC 8058): sets the member's delivery to none",
          querystring: tokenQuery,
          body: oneClickBody,
          response: { 200: unsubscribeView },
        },
      },
      async (request, reply) => {
        const view = await unsubscribe(contextOf(request, deps), request.query.token);
        if (!wantsPage(request)) return view;
        return page(
          reply,
          "You are unsubscribed",
          `<p>You will get no more e-mail from <strong>${escapeHtml(view.group.name)}</strong>. ` +
            `You are still a member and can read it, or choose e-mail again, on ` +
            `<a href="/groups/${encodeURIComponent(view.group.handle)}">the group's page</a>.</p>`,
        );
      },
    );
  });
}

function confirmationPage(reply: FastifyReply, token: string, view: UnsubscribeView) {
  const name = escapeHtml(view.group.name);
  if (view.delivery === "none") {
    return page(reply, "Already unsubscribed", `<p>You get no e-mail from <strong>${name}</strong>.</p>`);
  }
  return page(
    reply,
    `Stop e-mail from ${view.group.name}?`,
    `<p>You will stay a member and can still read <strong>${name}</strong> on the web.</p>` +
      `<form method="post" action="${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}">` +
      `<input type="hidden" name="List-Unsubscribe" value="One-Click">` +
      `<button type="submit">Unsubscribe</button></form>`,
  );
}
