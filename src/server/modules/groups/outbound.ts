import { and, asc, eq, ne } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Ctx } from "../../platform/context.js";
import { type OutgoingMail, queueMails } from "../../platform/mail/service.js";
import { userSummaries } from "../accounts/index.js";
import { groupAddress } from "./groups.js";
import { groupMembers, groupMessages, groups, groupTopics } from "./schema.js";
import { unsubscribeToken } from "./unsubscribe.js";

/** The Message-ID Convene gives a group message in every copy it sends; replies reference it. */
export const conveneMessageId = (config: Config, messageId: string) =>
  `<message-${messageId}@${config.mailDomain}>`;

/** The group message id inside a Message-ID Convene sent, or null for anyone else's Message-ID. */
export function messageIdFromReference(config: Config, reference: string): string | null {
  const match = /^<?message-([0-9a-f-]{36})@([^>\s]+)>?$/i.exec(reference.trim());
  return match?.[1] && match[2]?.toLowerCase() === config.mailDomain.toLowerCase() ? match[1] : null;
}

const authorOf = async (ctx: Ctx, authorId: string) =>
  (await userSummaries(ctx.db, [authorId])).get(authorId) ?? null;

/** The members among `rows` whose account is active, with their addresses. */
async function activePeople(
  ctx: Ctx,
  rows: { userId: string }[],
): Promise<{ userId: string; email: string }[]> {
  const people = await userSummaries(
    ctx.db,
    rows.map((row) => row.userId),
  );
  return rows.flatMap(({ userId }) => {
    const person = people.get(userId);
    return person?.active ? [{ userId, email: person.email }] : [];
  });
}

/** Mail to this address from a member stops their group mail, the mailto half of List-Unsubscribe. */
export const unsubscribeAddress = (config: Config, handle: string) =>
  `${handle}+unsubscribe@${config.mailDomain}`;

export const topicUrl = (config: Config, handle: string, topicId: string) =>
  `${config.publicUrl}/groups/${handle}/topics/${topicId}`;

/** Every mail about a group starts its subject with the group's name, so mail filters can sort it. */
export const groupSubject = (groupName: string, subject: string) => `[${groupName}] ${subject}`;

/** A display name safe inside a quoted-string of a From header. */
const quoted = (name: string) => `"${name.replace(/[\\"\r\n]/g, "")}"`;

/**
 * The group's name as the List-Id phrase, in plain atoms: a quote or a non-ASCII letter would make the
 * mailer encode the whole header value, the <list-id> with it, and filters would no longer match it.
 */
const listPhrase = (name: string) =>
  name
    .replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]/g, "")
    .replace(/\s+/g, " ")
    .trim();

/** Threads beyond this are referenced by their first and latest messages only, keeping headers short. */
const MAX_REFERENCES = 10;

/**
 * Queues, in the caller's transaction, one e-mail per active member who chose "every message", for a
 * message that is published now (posted, or approved from the queue). The author gets no copy: they
 * wrote it, on the web or in their own mail client. Call it once per published message.
 */
export async function queueGroupMessageMail(ctx: Ctx, messageId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ message: groupMessages, topic: groupTopics, group: groups })
    .from(groupMessages)
    .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
    .innerJoin(groups, eq(groups.id, groupMessages.groupId))
    .where(eq(groupMessages.id, messageId));
  if (row?.message.status !== "published") return 0;
  const { message, topic, group } = row;
  const author = await authorOf(ctx, message.authorId);
  if (!author) return 0;

  const recipients = await activePeople(
    ctx,
    await ctx.db
      .select({ userId: groupMembers.userId })
      .from(groupMembers)
      .where(
        and(
          eq(groupMembers.groupId, group.id),
          eq(groupMembers.status, "active"),
          eq(groupMembers.delivery, "all"),
          ne(groupMembers.userId, author.id),
        ),
      ),
  );
  if (recipients.length === 0) return 0;

  const earlier = await ctx.db
    .select({ id: groupMessages.id, createdAt: groupMessages.createdAt })
    .from(groupMessages)
    .where(and(eq(groupMessages.topicId, topic.id), eq(groupMessages.status, "published")))
    .orderBy(asc(groupMessages.createdAt), asc(groupMessages.id));
  const thread = earlier.filter((m) => m.id !== message.id && m.createdAt <= message.createdAt);
  const referenced =
    thread.length > MAX_REFERENCES ? [thread[0], ...thread.slice(-(MAX_REFERENCES - 1))] : thread;
  const references = referenced.flatMap((m) => (m ? [conveneMessageId(ctx.config, m.id)] : []));
  const parent = references.at(-1);

  const config = ctx.config;
  const list = groupAddress(group, config.mailDomain);
  const subject = `${parent ? "Re: " : ""}${groupSubject(group.name, topic.subject)}`;
  const common: Record<string, string> = {
    From: `${quoted(`${author.name} via ${group.name}`)} <${list}>`,
    "Reply-To": group.replyTo === "sender" ? `${quoted(author.name)} <${author.email}>` : list,
    "Message-ID": conveneMessageId(config, message.id),
    "List-Id": `${listPhrase(group.name)} <${group.handle}.${config.mailDomain}>`.trimStart(),
    "List-Post": `<mailto:${list}>`,
    "List-Archive": `<${config.publicUrl}/groups/${group.handle}>`,
    Precedence: "list",
    ...(parent ? { "In-Reply-To": parent, References: references.join(" ") } : {}),
  };

  const mails: OutgoingMail[] = [];
  for (const recipient of recipients) {
    const token = await unsubscribeToken(config, group.id, recipient.userId);
    const unsubscribeUrl = `${config.publicUrl}/api/groups/unsubscribe?token=${token}`;
    mails.push({
      to: recipient.email,
      subject,
      text: [
        `${author.name} wrote in ${group.name}:`,
        "",
        message.body,
        "",
        "-- ",
        group.replyTo === "sender"
          ? `Reply to answer ${author.name} privately; write to ${list} to answer the group.`
          : `Reply to this e-mail to answer in the topic, or write to ${list} to start one.`,
        `Read it on the web: ${topicUrl(config, group.handle, topic.id)}`,
        `Stop these e-mails (one click, no sign-in): ${unsubscribeUrl}`,
      ].join("\n"),
      headers: {
        ...common,
        "List-Unsubscribe": `<${unsubscribeUrl}>, <mailto:${unsubscribeAddress(config, group.handle)}?subject=unsubscribe>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
  }
  await queueMails(ctx, mails);
  return mails.length;
}
