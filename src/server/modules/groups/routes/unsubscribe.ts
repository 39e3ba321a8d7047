import type { FastifyReply } from "fastify";
import { escapeHtml, linkPage, wantsPage } from "../../../platform/link-pages.js";
import type { Route } from "../../../platform/routes.js";
import type { UnsubscribeView } from "../contracts/unsubscribe.js";
import * as contract from "../contracts/unsubscribe.js";
import { describeUnsubscribe, unsubscribe } from "../unsubscribe.js";

/** Mail providers post the one-click form urlencoded; only the scope of these routes reads that. */
/**
 * One-click unsubscribe from group mail, without signing in: the signed token in the link names the
 * group and the person. GET only shows what would change (link checkers and previews follow GETs);
 * POST does it, as RFC 8058 asks. A page sent here ends the reply, so the router sends nothing more.
 */
export function unsubscribeRoutes(route: Route): void {
  route(contract.describeGroupUnsubscribe, async ({ ctx, query, request, reply }) => {
    const view = await describeUnsubscribe(ctx, query.token);
    if (wantsPage(request)) confirmationPage(reply, query.token, view);
    return view;
  });
  route(contract.unsubscribeFromGroup, async ({ ctx, query, request, reply }) => {
    const view = await unsubscribe(ctx, query.token);
    if (wantsPage(request)) {
      linkPage(
        reply,
        "You are unsubscribed",
        `<p>You will get no more e-mail from <strong>${escapeHtml(view.group.name)}</strong>. ` +
          `You are still a member and can read it, or choose e-mail again, on ` +
          `<a href="/groups/${encodeURIComponent(view.group.handle)}">the group's page</a>.</p>`,
      );
    }
    return view;
  });
}

function confirmationPage(reply: FastifyReply, token: string, view: UnsubscribeView): void {
  const name = escapeHtml(view.group.name);
  if (view.delivery === "none") {
    linkPage(reply, "Already unsubscribed", `<p>You get no e-mail from <strong>${name}</strong>.</p>`);
    return;
  }
  linkPage(
    reply,
    `Stop e-mail from ${view.group.name}?`,
    `<p>You will stay a member and can still read <strong>${name}</strong> on the web.</p>` +
      `<form method="post" action="${contract.describeGroupUnsubscribe.path}?token=${encodeURIComponent(token)}">` +
      `<input type="hidden" name="List-Unsubscribe" value="One-Click">` +
      `<button type="submit">Unsubscribe</button></form>`,
  );
}
