import { createHmac, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import type { Config } from "../../config.js";
import type { ActorCtx } from "../context.js";
import { unstorableInput } from "../input-guard.js";
import { dataDirSecret } from "../secrets.js";
import { mayDeliver } from "./items.js";
import type { ItemRef } from "./service.js";

/**
 * What a module lets people answer by e-mail (a ticket, a project post, a chat thread, a direct
 * message): `post` writes the answer through the module's own service as that person, so the rules
 * are the web's. `code` names the type in reply addresses, which must stay under 64 characters.
 */
export type ReplyTarget = {
  type: string;
  /** One or two lowercase letters, unique among targets and never changed (addresses already sent use it). */
  code: string;
  /**
   * The text field of what the answer becomes on the web (a comment's body, a message's), from the
   * module's contract: an answer by e-mail meets the rules a typed one does, its length above all.
   */
  body: z.ZodType<string, string>;
  /** Why the person may not answer this item now (a read-only channel...), or null when they may. */
  refusal?: (ctx: ActorCtx, itemId: string) => Promise<string | null>;
  post: (ctx: ActorCtx, itemId: string, text: string) => Promise<void>;
};

const targetsByType = new Map<string, ReplyTarget>();
const targetsByCode = new Map<string, ReplyTarget>();

/** Declares that an item type may be answered by e-mail; each module declares its own when loaded. */
export function defineReplyTarget(target: ReplyTarget): ReplyTarget {
  const existing = targetsByType.get(target.type) ?? targetsByCode.get(target.code);
  if (existing && existing !== target)
    throw new Error(`Reply target ${target.type} (${target.code}) is declared twice.`);
  targetsByType.set(target.type, target);
  targetsByCode.set(target.code, target);
  return target;
}

export const hasReplyTarget = (type: string): boolean => targetsByType.has(type);

/** How long a notification e-mail can be answered. */
export const REPLY_VALIDITY_DAYS = 30;
const SECRET_FILE = "reply-mail.secret";
let generatedSecret: { dataDir: string; secret: Promise<string> } | null = null;

/** The key of reply addresses: GROUP_MAIL_SECRET when configured (shared by nodes), else one in DATA_DIR. */
function replySecret(config: Config): Promise<string> {
  if (config.groupMailSecret) return Promise.resolve(config.groupMailSecret);
  if (generatedSecret?.dataDir !== config.dataDir)
    generatedSecret = { dataDir: config.dataDir, secret: dataDirSecret(config.dataDir, SECRET_FILE) };
  return generatedSecret.secret;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const shortId = (uuid: string) => Buffer.from(uuid.replaceAll("-", ""), "hex").toString("base64url");
function longId(short: string): string | null {
  const hex = Buffer.from(short, "base64url").toString("hex");
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** 16 bytes of HMAC: unforgeable, and short enough for the 64-character local part. */
const signature = (secret: string, type: string, itemId: string, userId: string, expiry: string) =>
  createHmac("sha256", secret)
    .update(`reply:${type}:${itemId}:${userId}:${expiry}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");

const LOCAL_PART = /^reply\+([a-z]{1,2})\.([A-Za-z0-9_-]{22})\.([0-9a-z]{1,8})\.([A-Za-z0-9_-]{22})$/;

/**
 * `reply+<code>.<item id>.<expiry>.<hmac>@MAIL_DOMAIN` for one person and item: the person is not
 * written in it but signed, so only mail from that person's address verifies. Null when the item
 * cannot be answered by e-mail.
 */
export async function replyAddress(
  config: Config,
  userId: string,
  item: ItemRef,
  now = new Date(),
): Promise<string | null> {
  const target = targetsByType.get(item.type);
  if (!target || !UUID.test(item.id)) return null;
  const expiry = Math.floor(now.getTime() / 1000 + REPLY_VALIDITY_DAYS * 86_400).toString(36);
  const hmac = signature(await replySecret(config), item.type, item.id, userId, expiry);
  return `reply+${target.code}.${shortId(item.id)}.${expiry}.${hmac}@${config.mailDomain}`;
}

/** A local part of the reply form: the inbound mail goes to the reply handler, never to a group. */
export const isReplyLocalPart = (local: string): boolean => local.toLowerCase().startsWith("reply+");

/** Why a reply is refused during the SMTP conversation; the text is what the sender's server bounces. */
export class ReplyRefused extends Error {}

export type AcceptedReply = { target: ReplyTarget; itemId: string };

/**
 * Checks a reply address for the person sending to it: signed by this site for them, not expired,
 * about an item they may still see and answer. Throws ReplyRefused otherwise.
 */
export async function acceptReplyAddress(
  ctx: ActorCtx,
  localPart: string,
  now = new Date(),
): Promise<AcceptedReply> {
  const [, code = "", shortItem = "", expiry = "", given = ""] = LOCAL_PART.exec(localPart) ?? [];
  const target = targetsByCode.get(code);
  const itemId = longId(shortItem);
  if (!target || !itemId) throw new ReplyRefused("This reply address is not valid.");
  const expected = signature(await replySecret(ctx.config), target.type, itemId, ctx.actor.id, expiry);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(given)))
    throw new ReplyRefused(
      `This reply address was not made for ${ctx.actor.email}; answer from the address the e-mail was sent to.`,
    );
  if (Number.parseInt(expiry, 36) * 1000 < now.getTime())
    throw new ReplyRefused("This e-mail is too old to answer; answer on the site instead.");
  if ((await mayDeliver(ctx.db, { type: target.type, id: itemId }, [ctx.actor.id])).length === 0)
    throw new ReplyRefused("You can no longer see what this e-mail is about.");
  const refusal = await target.refusal?.(ctx, itemId);
  if (refusal) throw new ReplyRefused(refusal);
  return { target, itemId };
}

/**
 * What an e-mailed answer posts: its new part (replyText), held to the rules a typed one meets: the
 * guard of every HTTP route (no control character such as NUL) and the target's contract for the text.
 * Throws ReplyRefused, with the rule's message, when there is nothing of its own or it breaks a rule.
 */
export function answerIn(target: ReplyTarget, text: string): string {
  const answer = replyText(text);
  if (!answer) throw new ReplyRefused("The reply has no text of its own to post.");
  const unstorable = unstorableInput({ text: answer });
  if (unstorable) throw new ReplyRefused(unstorable.message);
  const checked = target.body.safeParse(answer);
  if (!checked.success)
    throw new ReplyRefused(checked.error.issues[0]?.message ?? "The reply cannot be posted.");
  return checked.data;
}

/** "On Mon, 1 Jan 2026, Ana <ana@example.org> wrote:", also split over two lines, and its translations. */
const ATTRIBUTION = /^(?:on|am|le|el|op|il)\s.*(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto).*:\s*$/i;
const ATTRIBUTION_START = /^(?:on|am|le|el|op|il)\s.*\d/i;
const ATTRIBUTION_END = /(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto).*:\s*$/i;
const FORWARDED = /^-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht)/i;
const OUTLOOK_HEADER = /^(?:from|von|de)\s*:\s.+/i;
const MOBILE_SIGNATURE =
  /^(?:sent from my |sent from (?:outlook|mail|yahoo mail|gmail)|get outlook for |envoyé de mon |von meinem .* gesendet|enviado desde mi )/i;

/**
 * The new part of an e-mail reply: everything before the quoted message ("On … wrote:", "> " lines,
 * an Outlook "From:" block) and before a signature ("-- ", "Sent from my iPhone").
 */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    const next = lines[index + 1]?.trim() ?? "";
    // Quoted lines go wherever they are: someone may answer between the lines they quote.
    if (trimmed.startsWith(">")) continue;
    if (
      line === "-- " ||
      trimmed === "--" ||
      ATTRIBUTION.test(trimmed) ||
      (ATTRIBUTION_START.test(trimmed) && ATTRIBUTION_END.test(next)) ||
      FORWARDED.test(trimmed) ||
      (OUTLOOK_HEADER.test(trimmed) && /^(?:sent|gesendet|envoyé)\s*:/i.test(next)) ||
      MOBILE_SIGNATURE.test(trimmed)
    )
      break;
    kept.push(line);
  }
  return kept.join("\n").trim();
}
