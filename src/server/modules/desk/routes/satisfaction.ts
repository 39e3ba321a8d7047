import type { FastifyReply } from "fastify";
import { escapeHtml, linkPage, wantsPage } from "../../../platform/link-pages.js";
import type { Route } from "../../../platform/routes.js";
import type { Rating, RatingView } from "../contracts/satisfaction.js";
import * as contract from "../contracts/satisfaction.js";
import { describeRatingLink, rateByLink, rateTicket } from "../ratings.js";

/** The confirmation page posts an HTML form; only the scope of the link's routes reads that. */
export function ratingRoutes(route: Route): void {
  route(contract.rateTicket, ({ ctx, params, body }) => rateTicket(ctx, params.id, body));
}

/**
 * The resolution e-mail's "Good" and "Bad" links. Mail scanners and link previews follow every GET,
 * both links included, so recording on GET would leave whichever they fetched last: GET only shows a
 * page with the person's choice already selected, an optional comment and one button that POSTs it.
 * A page sent here ends the reply, so the router sends nothing more.
 */
export function ratingLinkRoutes(route: Route): void {
  route(contract.describeRatingLink, async ({ ctx, query, request, reply }) => {
    const view = await describeRatingLink(ctx, query.token);
    if (wantsPage(request)) confirmationPage(reply, query.token, query.rating ?? "good", view);
    return view;
  });
  route(contract.rateByLink, async ({ ctx, query, body, request, reply }) => {
    const view = await rateByLink(ctx, query.token, body);
    if (wantsPage(request)) {
      linkPage(
        reply,
        "Thank you for your rating",
        `<p>Your rating of ticket #${view.ticket.number} is recorded. You can change it from this e-mail's links or on the ticket's page.</p>`,
      );
    }
    return view;
  });
}

function confirmationPage(reply: FastifyReply, token: string, chosen: Rating, view: RatingView): void {
  const option = (rating: Rating, label: string) =>
    `<label style="margin-right:1.5rem"><input type="radio" name="rating" value="${rating}"${rating === chosen ? " checked" : ""}> ${label}</label>`;
  linkPage(
    reply,
    `Rate ticket #${view.ticket.number}`,
    `<p>${escapeHtml(view.ticket.subject)}</p>` +
      `<form method="post" action="${contract.rateByLink.path}?token=${encodeURIComponent(token)}">` +
      `<fieldset style="border:0;padding:0;margin:0 0 1rem"><legend>How did we do?</legend>` +
      `${option("good", "Good")}${option("bad", "Bad")}</fieldset>` +
      `<p><label for="comment">Anything to add? (optional)</label><br>` +
      `<textarea id="comment" name="comment" rows="4" style="width:100%" maxlength="5000">${escapeHtml(view.satisfaction?.comment ?? "")}</textarea></p>` +
      `<button type="submit">Send rating</button></form>`,
  );
}
