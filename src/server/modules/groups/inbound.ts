import type { AddressInfo } from "node:net";
import { and, eq, inArray } from "drizzle-orm";
import type { AddressObject, ParsedMail } from "mailparser";
import sanitizeHtml from "sanitize-html";
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { z } from "zod";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { Actor, ActorCtx } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { uploadProblem } from "../../platform/files/store.js";
import { MAX_FORM_FILES } from "../../platform/files/upload.js";
import { unstorableInput } from "../../platform/input-guard.js";
import { loadOnce } from "../../platform/load-once.js";
import {
  type AcceptedReply,
  acceptReplyAddress,
  answerIn,
  isReplyLocalPart,
  ReplyRefused,
} from "../../platform/notifications/replies.js";
import type { Redis } from "../../platform/redis.js";
import { type TokenBuckets, tokenBuckets, type WarningLog } from "../../platform/throttle.js";
import { personByEmail } from "../accounts/index.js";
import { type Posted, replyInput } from "./contracts/messages.js";
import { topicInput } from "./contracts/topics.js";
import { messageIdFromReference } from "./outbound.js";
import { canSeeGroup, type GroupRow } from "./policy.js";
import { groupMembers, groupMessages, groupTopics } from "./schema.js";
import { groupByHandle, membershipOf } from "./store.js";
import { type GroupUpload, replyToTopic, startTopic } from "./topics.js";

/** An SMTP reply: smtp-server sends `responseCode` and the message (which starts with the RFC 3463 code). */
class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (code: number, enhanced: string, text: string) => new SmtpReply(code, `${enhanced} ${text}`);

/**
 * What the sender's server is told when a step fails: our own refusal as it is, anything else (a
 * database error) as a temporary failure, so it retries and never reads our queries or their values.
 */
const smtpReplyFor = (error: Error): SmtpReply =>
  error instanceof SmtpReply
    ? error
    : refuse(451, "4.3.0", "Convene could not take this message just now; try again later.");

/** What one mail transaction is for, decided at RCPT TO and used at DATA. */
type Delivery =
  | { kind: "post"; group: GroupRow; sender: Actor }
  | { kind: "unsubscribe"; group: GroupRow; sender: Actor }
  | { kind: "reply"; reply: AcceptedReply; sender: Actor };

/** Subject prefixes mail clients and lists add: Re:, Fwd:, AW:, SV:, and [Group name]. */
const SUBJECT_PREFIX = /^\s*(?:(?:re|fwd?|aw|sv)\s*(?:\[\d+\])?\s*:|\[[^\]]*\])\s*/i;

export function cleanSubject(subject: string | undefined): string {
  let text = (subject ?? "").trim();
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(SUBJECT_PREFIX, "").trim();
  }
  return text || "(no subject)";
}

/**
 * The new part of a mail body: without the signature (after "-- ", where Convene's own footer is)
 * and without the quoted message a reply ends with ("On ... wrote:" and ">" lines).
 */
export function newText(text: string): string {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const signature = lines.indexOf("-- ");
  const kept = signature === -1 ? lines : lines.slice(0, signature);
  while (kept.length > 0) {
    const last = (kept.at(-1) ?? "").trim();
    if (last === "" || last.startsWith(">")) kept.pop();
    else if (/^On .+wrote:$/.test(last) && kept.length > 1) kept.pop();
    else break;
  }
  return kept.join("\n").trim();
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

/**
 * Plain text of an HTML body. mailparser converts HTML itself only when the HTML is the whole mail;
 * an HTML part next to attachments arrives without text, so we keep paragraphs and drop the markup.
 */
export function htmlAsText(html: string): string {
  const withBreaks = html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(?:p|div|li|h[1-6]|tr|blockquote|pre)>/gi, "\n\n");
  const text = sanitizeHtml(withBreaks, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: ["style", "script", "textarea", "option", "head", "title"],
  });
  return text
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function firstAddress(field: AddressObject | AddressObject[] | undefined): string | null {
  const objects = Array.isArray(field) ? field : field ? [field] : [];
  return (
    objects
      .flatMap((o) => o.value)
      .find((a) => a.address)
      ?.address?.toLowerCase() ?? null
  );
}

/** The mail is not well-formed MIME: no From, or a multipart body without (or missing) its boundary. */
function malformation(raw: Buffer, mail: ParsedMail): string | null {
  const contentType = mail.headers.get("content-type") as
    | { value?: string; params?: { boundary?: string } }
    | undefined;
  if (contentType?.value?.toLowerCase().startsWith("multipart/")) {
    const boundary = contentType.params?.boundary;
    if (!boundary) return "a multipart message without a boundary";
    if (!raw.includes(`--${boundary}`)) return "a multipart message whose parts are missing";
  }
  if (!firstAddress(mail.from)) return "no From address";
  return null;
}

/**
 * An out-of-office or other machine reply (RFC 3834 Auto-Submitted, or a bulk/list Precedence): it is
 * accepted, so the sender's server does not retry or bounce it back, but never posted, so a vacation
 * responder answering group mail cannot loop through the group.
 */
function isAutomatic(mail: ParsedMail): boolean {
  const autoSubmitted = String(mail.headers.get("auto-submitted") ?? "no")
    .trim()
    .toLowerCase();
  const precedence = String(mail.headers.get("precedence") ?? "")
    .trim()
    .toLowerCase();
  return autoSubmitted !== "no" || ["bulk", "list", "junk", "auto_reply"].includes(precedence);
}

/** How a refusal names each value a post takes from the mail. */
const FIELD_NAMES: Record<string, string> = {
  subject: "Subject",
  body: "Message text",
  attachment: "Attachment name",
  messageId: "Message-ID",
};

const refuseField = (field: string, message: string) =>
  refuse(550, "5.6.0", `${FIELD_NAMES[field.split(".")[0] ?? ""] ?? field}: ${message}`);

/**
 * The fields of a post by mail, held to the rules of the web's form for it before anything is
 * stored: the guard every HTTP route passes (no control character such as NUL, in the text or in a
 * file's name) and the operation's contract (its lengths). A value that breaks one is refused at
 * DATA, naming its field, and the contract's output (trimmed) is what is posted, as on the web.
 */
function asOnTheWeb<Contract extends z.ZodType>(
  contract: Contract,
  fields: { subject?: string; body: string },
  uploads: GroupUpload[],
): z.output<Contract> {
  // File names first: a refused file's name is quoted in the text too, and is named as what it is.
  const unstorable = unstorableInput({ attachment: uploads.map((upload) => upload.filename), ...fields });
  if (unstorable) throw refuseField(unstorable.field, unstorable.message);
  const checked = contract.safeParse(fields);
  if (checked.success) return checked.data;
  const [issue] = checked.error.issues;
  throw refuseField(String(issue?.path[0] ?? "body"), issue?.message ?? "This cannot be posted.");
}

/** Message-IDs this mail answers, nearest first: In-Reply-To, then References from the latest back. */
function answeredIds(mail: ParsedMail): string[] {
  const references = Array.isArray(mail.references)
    ? mail.references
    : mail.references
      ? [mail.references]
      : [];
  const inReplyTo = mail.inReplyTo ? mail.inReplyTo.split(/\s+/) : [];
  // An id with a control character matches nothing Convene stores, and PostgreSQL could not compare it.
  return [...inReplyTo, ...[...references].reverse()].filter(
    (id) => id.length > 0 && !unstorableInput({ id }),
  );
}

/** The SMTP server and the MIME parser, loaded when a listener starts: most nodes take no group mail. */
const loadMailIn = loadOnce(async () => {
  const [{ SMTPServer }, { simpleParser }] = await Promise.all([import("smtp-server"), import("mailparser")]);
  return { SMTPServer, simpleParser };
});

export type GroupMailListenerOptions = {
  db: Db;
  config: Config;
  /** Shares each sender's allowance with every node; undefined keeps it per node. */
  redis?: Redis | undefined;
  log?: WarningLog;
};

const silentLog: WarningLog = { warn: () => undefined };

/**
 * Group mail in: `handle@MAIL_DOMAIN` over SMTP. Refuses at the earliest step it can tell (unknown
 * sender at MAIL FROM, unknown group or non-member at RCPT TO, size, spoofed From, bad MIME and
 * fields the web's form would refuse at DATA), so nothing is stored for refused mail and the sender's
 * server bounces it with the reason. Accepted mail goes through the same contract and the same
 * startTopic/replyToTopic as the web, so the rules are the same.
 */
export class GroupMailListener {
  /** Made by `listen`. */
  private server: SMTPServer | undefined;
  private readonly senders: TokenBuckets;
  private readonly deliveries = new Map<string, Delivery>();

  constructor(private readonly options: GroupMailListenerOptions) {
    const { config } = options;
    this.senders = tokenBuckets(options.redis, {
      name: "group-mail",
      rate: config.groupMailPerMinute / 60,
      burst: config.groupMailBurst,
      // A refusal here is a temporary 451 that the sender's server retries for days, so nothing is
      // lost while Redis is away, and no node accepts mail past the shared limit.
      whenUnavailable: "refuse",
      log: options.log ?? silentLog,
    });
  }

  async listen(port: number, host: string): Promise<number> {
    const { config } = this.options;
    const { SMTPServer } = await loadMailIn();
    const server = new SMTPServer({
      name: config.mailDomain,
      banner: "Convene group mail",
      size: config.groupMailMaxBytes,
      authOptional: true,
      // Plain SMTP on a private port or behind the organisation's relay, which does TLS and SPF/DKIM.
      disabledCommands: ["AUTH", "STARTTLS"],
      // Our replies carry their own RFC 3463 codes (5.7.1 policy, 5.1.1 no such group) in the text.
      hideENHANCEDSTATUSCODES: true,
      logger: false,
      // The client's host name is never used; a reverse DNS lookup would only slow every connection.
      disableReverseLookup: true,
      onMailFrom: (address, session, callback) => {
        this.deliveries.delete(session.id);
        this.checkSender(address.address).then(
          () => callback(),
          (error: Error) => callback(smtpReplyFor(error)),
        );
      },
      onRcptTo: (address, session, callback) => {
        this.checkRecipient(address.address, session).then(
          () => callback(),
          (error: Error) => callback(smtpReplyFor(error)),
        );
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (reply) => callback(null, reply),
          (error: Error) => callback(smtpReplyFor(error)),
        );
      },
      onClose: (session) => {
        this.deliveries.delete(session.id);
      },
    });
    // A client that drops the connection mid-command is its problem, not a reason to stop listening.
    server.on("error", () => undefined);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return (server.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    const { server } = this;
    return server ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve();
  }

  private async checkSender(address: string): Promise<void> {
    if (!(await this.senders.take(address.toLowerCase()))) {
      throw refuse(451, "4.7.1", "You are sending to groups too fast; try again in a few minutes.");
    }
    const person = address ? await personByEmail(this.options.db, address) : null;
    if (!person?.active) {
      throw refuse(
        550,
        "5.7.1",
        `No Convene member uses ${address || "an empty sender"}; only members post by mail.`,
      );
    }
  }

  private async checkRecipient(address: string, session: SMTPServerSession): Promise<void> {
    const { config, db } = this.options;
    if (this.deliveries.has(session.id)) {
      throw refuse(452, "4.5.3", "One group per message: send another copy for the other group.");
    }
    const [givenLocal = "", givenDomain = ""] = address.split(/@(?=[^@]*$)/);
    const [local, domain] = [givenLocal.toLowerCase(), givenDomain.toLowerCase()];
    const person = await personByEmail(
      db,
      session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
    );
    if (domain === config.mailDomain.toLowerCase() && isReplyLocalPart(local)) {
      if (!person) throw refuse(503, "5.5.1", "Send MAIL FROM first.");
      // The reply address is case-sensitive (base64url): it is read as the sender's client wrote it.
      const reply = await this.acceptReply(person.actor, givenLocal, session);
      this.deliveries.set(session.id, { kind: "reply", reply, sender: person.actor });
      return;
    }
    const [handle = "", command] = local.split("+");
    if (domain !== config.mailDomain.toLowerCase() || (command !== undefined && command !== "unsubscribe")) {
      throw refuse(550, "5.1.1", `No group ${local} here.`);
    }
    const group = await groupByHandle(db, handle);
    if (!person) throw refuse(503, "5.5.1", "Send MAIL FROM first.");
    const sender = person.actor;
    const member = group ? await membershipOf(db, group.id, sender.id) : null;
    // An unlisted group does not exist for people outside it, exactly as on the web (404).
    if (!group || !canSeeGroup(group, member)) throw refuse(550, "5.1.1", `No group ${handle} here.`);
    if (command === "unsubscribe") {
      if (!member) throw refuse(550, "5.7.1", `You are not a member of ${group.name}.`);
      this.deliveries.set(session.id, { kind: "unsubscribe", group, sender });
      return;
    }
    if (member?.status === "banned") {
      throw refuse(
        550,
        "5.7.1",
        `You are banned from ${group.name}${member.statusReason ? `: ${member.statusReason}` : "."}`,
      );
    }
    if (member?.status !== "active") {
      throw refuse(
        550,
        "5.7.1",
        `Only members of ${group.name} post to it; join at ${config.publicUrl}/groups/${group.handle}.`,
      );
    }
    this.deliveries.set(session.id, { kind: "post", group, sender });
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const raw = await readLimited(stream, this.options.config.groupMailMaxBytes);
    if (stream.sizeExceeded || raw === null) {
      throw refuse(
        552,
        "5.3.4",
        `The message is larger than ${this.options.config.groupMailMaxBytes} bytes.`,
      );
    }
    const delivery = this.deliveries.get(session.id);
    if (!delivery) throw refuse(503, "5.5.1", "No group recipient was accepted.");
    let mail: ParsedMail;
    try {
      const { simpleParser } = await loadMailIn();
      mail = await simpleParser(raw, { skipImageLinks: true });
    } catch {
      throw refuse(550, "5.6.0", "The message is not valid MIME.");
    }
    const problem = malformation(raw, mail);
    if (problem) throw refuse(550, "5.6.0", `The message is not valid MIME: ${problem}.`);
    if (firstAddress(mail.from) !== delivery.sender.email.toLowerCase()) {
      throw refuse(
        550,
        "5.7.1",
        "The From header does not match the sender; mail is posted as its sender only.",
      );
    }
    if (isAutomatic(mail)) return "Automatic replies (out of office, bounces) are not posted to groups.";
    const ctx: ActorCtx = {
      db: this.options.db,
      config: this.options.config,
      actor: delivery.sender,
      ip: session.remoteAddress,
    };
    if (delivery.kind === "reply") return this.postReply(ctx, delivery.reply, mail);
    if (delivery.kind === "unsubscribe") {
      await this.options.db
        .update(groupMembers)
        .set({ delivery: "none", updatedAt: new Date() })
        .where(and(eq(groupMembers.groupId, delivery.group.id), eq(groupMembers.userId, delivery.sender.id)));
      return `You will get no more mail from ${delivery.group.name}.`;
    }
    return this.post(ctx, delivery.group, mail);
  }

  /** A reply address checked for its sender: signed for them, unexpired, about an item they may answer. */
  private async acceptReply(
    sender: Actor,
    localPart: string,
    session: SMTPServerSession,
  ): Promise<AcceptedReply> {
    const ctx: ActorCtx = { ...this.options, actor: sender, ip: session.remoteAddress };
    try {
      return await acceptReplyAddress(ctx, localPart);
    } catch (error) {
      // A module's own refusal (the message is gone, the channel archived) is as final as ours.
      if (error instanceof ReplyRefused || error instanceof AppError)
        throw refuse(550, "5.7.1", error.message);
      throw refuse(451, "4.3.0", "Convene could not check this address just now; try again later.");
    }
  }

  /** An answer to a notification e-mail, posted where the notification came from through its module. */
  private async postReply(ctx: ActorCtx, reply: AcceptedReply, mail: ParsedMail): Promise<string> {
    const text = mail.text?.trim() ? mail.text : typeof mail.html === "string" ? htmlAsText(mail.html) : "";
    let body: string;
    try {
      body = answerIn(reply.target, text);
    } catch (error) {
      if (error instanceof ReplyRefused) throw refuse(550, "5.6.0", error.message);
      throw error;
    }
    try {
      await reply.target.post(ctx, reply.itemId, body);
      return "Your answer is posted.";
    } catch (error) {
      if (error instanceof AppError) {
        const refused = ["forbidden", "gone", "not_found"].includes(error.code);
        throw refuse(550, refused ? "5.7.1" : "5.6.0", error.message);
      }
      throw refuse(451, "4.3.0", "Convene could not store the answer just now; try again later.");
    }
  }

  private async post(ctx: ActorCtx, group: GroupRow, mail: ParsedMail): Promise<string> {
    const emailMessageId = mail.messageId?.trim() || null;
    // The Message-ID is stored with the message (a resend is recognised by it), so it meets the guard too.
    const unstorableId = emailMessageId ? unstorableInput({ messageId: emailMessageId }) : null;
    if (unstorableId) throw refuseField(unstorableId.field, unstorableId.message);
    if (emailMessageId && (await this.alreadyStored(group.id, emailMessageId))) {
      return "This message was received before; it is not posted twice.";
    }
    const topicId = await this.answeredTopic(group, mail);
    if (mail.attachments.length > MAX_FORM_FILES) {
      throw refuse(552, "5.3.4", `Attach at most ${MAX_FORM_FILES} files to one message.`);
    }
    const uploads: GroupUpload[] = mail.attachments.map((attachment) => ({
      filename: attachment.filename ?? "attachment",
      contentType: attachment.contentType,
      data: attachment.content,
    }));
    const attachments: GroupUpload[] = [];
    const notes: string[] = [];
    for (const upload of uploads) {
      const problem = uploadProblem(ctx.config, { ...upload, field: "attachment" });
      if (problem) notes.push(`(${upload.filename} was not attached: ${problem.message})`);
      else attachments.push(upload);
    }
    const text = mail.text?.trim() ? mail.text : typeof mail.html === "string" ? htmlAsText(mail.html) : "";
    const body = [newText(text), ...notes].filter(Boolean).join("\n\n");
    if (!body) throw refuse(550, "5.6.0", "The message has no text to post.");
    const common = { source: "email" as const, attachments, ...(emailMessageId ? { emailMessageId } : {}) };
    let posting: () => Promise<Posted>;
    if (topicId) {
      const fields = asOnTheWeb(replyInput, { body }, uploads);
      posting = () => replyToTopic(ctx, topicId, { ...common, ...fields });
    } else {
      const fields = asOnTheWeb(topicInput, { subject: cleanSubject(mail.subject), body }, uploads);
      posting = () => startTopic(ctx, group.id, { ...common, ...fields });
    }
    try {
      const outcome = await posting();
      return outcome.status === "pending"
        ? `Received; your message waits for a moderator of ${group.name}.`
        : `Posted to ${group.name}.`;
    } catch (error) {
      if (emailMessageId && (await this.alreadyStored(group.id, emailMessageId))) {
        return "This message was received before; it is not posted twice.";
      }
      if (error instanceof AppError) {
        const enhanced = error.code === "forbidden" || error.code === "gone" ? "5.7.1" : "5.6.0";
        throw refuse(550, enhanced, error.message);
      }
      throw refuse(451, "4.3.0", "Convene could not store the message just now; try again later.");
    }
  }

  private async alreadyStored(groupId: string, emailMessageId: string): Promise<boolean> {
    const [row] = await this.options.db
      .select({ id: groupMessages.id })
      .from(groupMessages)
      .where(and(eq(groupMessages.groupId, groupId), eq(groupMessages.emailMessageId, emailMessageId)));
    return row !== undefined;
  }

  /**
   * The topic a reply belongs to: a Message-ID Convene sent for a message of this group, or the
   * Message-ID of mail a member sent to it. A reply to a deleted topic is refused, not re-posted.
   */
  private async answeredTopic(group: GroupRow, mail: ParsedMail): Promise<string | null> {
    const answered = answeredIds(mail);
    if (answered.length === 0) return null;
    const conveneIds = answered.flatMap((id) => {
      const messageId = messageIdFromReference(this.options.config, id);
      return messageId ? [messageId] : [];
    });
    const conditions = [
      ...(conveneIds.length > 0 ? [inArray(groupMessages.id, conveneIds)] : []),
      inArray(groupMessages.emailMessageId, answered),
    ];
    const candidates = [];
    for (const condition of conditions) {
      candidates.push(
        ...(await this.options.db
          .select({
            topicId: groupMessages.topicId,
            removedAt: groupTopics.removedAt,
            createdAt: groupMessages.createdAt,
          })
          .from(groupMessages)
          .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
          .where(and(eq(groupMessages.groupId, group.id), condition))),
      );
    }
    const latest = candidates.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    if (!latest) return null;
    if (latest.removedAt) {
      throw refuse(
        550,
        "5.7.1",
        `The topic you replied to was deleted by a moderator of ${group.name}; write a new message to start a topic.`,
      );
    }
    return latest.topicId;
  }
}

/** The whole message, or null once it passes `limit` (the rest is drained so the reply can be sent). */
async function readLimited(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

/** Starts the group mail listener when GROUP_SMTP_PORT is set; returns the port it listens on. */
export async function startGroupMail(
  options: GroupMailListenerOptions,
): Promise<{ listener: GroupMailListener; port: number } | null> {
  const { groupSmtpPort, groupSmtpHost } = options.config;
  if (groupSmtpPort === undefined) return null;
  const listener = new GroupMailListener(options);
  const port = await listener.listen(groupSmtpPort, groupSmtpHost);
  return { listener, port };
}
