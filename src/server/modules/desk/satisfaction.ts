import { createHmac, timingSafeEqual } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { Ctx } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { queueMail } from "../../platform/mail/service.js";
import { dataDirSecret } from "../../platform/secrets.js";
import type { Rating, Satisfaction } from "./contracts/rating.js";
import { ticketRatings, type tickets } from "./schema.js";

type TicketRow = typeof tickets.$inferSelect;

/** How long the rating links of a resolution e-mail work; after that the ticket's page still rates. */
export const RATING_LINK_DAYS = 30;
const DAY_MS = 86_400_000;
const SECRET_FILE = "desk-rating.secret";
let generatedSecret: { dataDir: string; secret: Promise<string> } | null = null;

/** GROUP_MAIL_SECRET when configured (shared by nodes), else a key kept in DATA_DIR. */
function ratingSecret(config: Config): Promise<string> {
  if (config.groupMailSecret) return Promise.resolve(config.groupMailSecret);
  if (generatedSecret?.dataDir !== config.dataDir)
    generatedSecret = { dataDir: config.dataDir, secret: dataDirSecret(config.dataDir, SECRET_FILE) };
  return generatedSecret.secret;
}

// The purpose is signed with the ticket and the expiry, so the key's other signatures (reply
// addresses, unsubscribe links) can never pass for a rating link, nor one ticket's link for another's.
const signature = (secret: string, ticketId: string, expiresDay: number) =>
  createHmac("sha256", secret).update(`desk-rating:${ticketId}:${expiresDay}`).digest("base64url");

/** `ticketId.expiryDay.hmac`: whoever holds it may rate that one ticket, and do nothing else. */
export async function ratingToken(config: Config, ticketId: string, now = new Date()): Promise<string> {
  const expiresDay = Math.floor(now.getTime() / DAY_MS) + RATING_LINK_DAYS;
  return `${ticketId}.${expiresDay}.${signature(await ratingSecret(config), ticketId, expiresDay)}`;
}

const TOKEN = /^([0-9a-f-]{36})\.(\d{1,7})\.([A-Za-z0-9_-]{43})$/;

/** The ticket a rating link rates; a damaged, forged or expired link is refused, naming `token`. */
export async function verifyRatingToken(config: Config, token: string, now = new Date()): Promise<string> {
  const [, ticketId, day, given] = TOKEN.exec(token) ?? [];
  if (ticketId && day && given) {
    const expected = Buffer.from(signature(await ratingSecret(config), ticketId, Number(day)));
    if (timingSafeEqual(expected, Buffer.from(given))) {
      if (Number(day) * DAY_MS < now.getTime()) {
        throw new AppError("validation", "This rating link has expired.", {
          token: "The link has expired; rate the ticket on its page instead.",
        });
      }
      return ticketId;
    }
  }
  throw new AppError("validation", "This rating link is not valid.", {
    token: "The link is damaged or was not made by this site; open it again from the e-mail.",
  });
}

export const isRateable = (ticket: Pick<TicketRow, "status">) =>
  ticket.status === "resolved" || ticket.status === "closed";

export async function satisfactionOf(db: Db, ticketId: string): Promise<Satisfaction | null> {
  const [row] = await db.select().from(ticketRatings).where(eq(ticketRatings.ticketId, ticketId));
  return row ? { rating: row.rating, comment: row.comment, ratedAt: row.updatedAt.toISOString() } : null;
}

export async function ratingsOf(db: Db, ticketIds: string[]): Promise<Map<string, Rating>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await db
    .select({ ticketId: ticketRatings.ticketId, rating: ticketRatings.rating })
    .from(ticketRatings)
    .where(inArray(ticketRatings.ticketId, ticketIds));
  return new Map(rows.map((row) => [row.ticketId, row.rating]));
}

/** The one rating of a ticket, written or changed. */
export async function recordRating(
  ctx: Ctx,
  ticketId: string,
  input: { rating: Rating; comment: string },
): Promise<void> {
  await ctx.db
    .insert(ticketRatings)
    .values({ ticketId, ...input })
    .onConflictDoUpdate({ target: ticketRatings.ticketId, set: { ...input, updatedAt: new Date() } });
}

/** The resolution e-mail: one link per answer, each opening a page that records it with one button. */
export async function askForRating(ctx: Ctx, ticket: TicketRow): Promise<void> {
  const token = await ratingToken(ctx.config, ticket.id);
  const link = (rating: Rating) =>
    `${ctx.config.publicUrl}/api/desk/ratings?token=${encodeURIComponent(token)}&rating=${rating}`;
  await queueMail(ctx, {
    to: ticket.requesterEmail,
    subject: `[Convene #${ticket.number}] Resolved: how did we do?`,
    text: [
      `Hello ${ticket.requesterName},`,
      "",
      `Your ticket #${ticket.number} "${ticket.subject}" was resolved. How did we do?`,
      "",
      `Good: ${link("good")}`,
      `Bad: ${link("bad")}`,
      "",
      `If the problem is not solved, reply on the ticket and it reopens: ${ctx.config.publicUrl}/desk/tickets/${ticket.id}`,
    ].join("\n"),
  });
}
