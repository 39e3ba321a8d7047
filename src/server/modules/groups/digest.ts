import { and, asc, eq, gte, isNull, lt, ne } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { type Ctx, inTransaction } from "../../platform/context.js";
import { queueMail } from "../../platform/mail/service.js";
import { SerialWorker, silentLog, type WorkerLog } from "../../platform/serial-worker.js";
import { userSummaries } from "../accounts/index.js";
import { groupAddress } from "./groups.js";
import { topicUrl } from "./outbound.js";
import { groupDigests, groupMembers, groupMessages, groups, groupTopics } from "./schema.js";
import { unsubscribeToken } from "./unsubscribe.js";

/** The UTC day before `now`, as YYYY-MM-DD: the day a digest sent at `now` covers. */
export function previousDay(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1))
    .toISOString()
    .slice(0, 10);
}

const EXCERPT_CHARS = 280;
const excerpt = (body: string) => {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
};

type DigestLine = {
  userId: string;
  email: string;
  group: { id: string; handle: string; name: string };
  topic: { id: string; subject: string };
  authorName: string;
  body: string;
  createdAt: Date;
};

/**
 * Sends one e-mail per person who chose the daily digest and whose groups had published messages
 * on `day` (UTC), listing them by group and topic. The digest row and the mail are written in one
 * transaction per person and the row's key is (day, person), so a rerun, or a second node running
 * the same job, never sends a digest twice. Returns how many digests were queued.
 */
export async function sendDailyDigests(ctx: Ctx, day: string): Promise<number> {
  const start = new Date(`${day}T00:00:00.000Z`);
  const end = new Date(start.getTime() + 24 * 3600_000);
  const found = await ctx.db
    .select({
      userId: groupMembers.userId,
      group: { id: groups.id, handle: groups.handle, name: groups.name },
      topic: { id: groupTopics.id, subject: groupTopics.subject },
      authorId: groupMessages.authorId,
      body: groupMessages.body,
      createdAt: groupMessages.createdAt,
    })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .innerJoin(groupMessages, eq(groupMessages.groupId, groupMembers.groupId))
    .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
    .where(
      and(
        eq(groupMembers.status, "active"),
        eq(groupMembers.delivery, "digest"),
        eq(groupMessages.status, "published"),
        // An archive imported today holds yesterday's messages too: the group's members had them then.
        ne(groupMessages.source, "import"),
        isNull(groupMessages.removedAt),
        isNull(groupTopics.removedAt),
        gte(groupMessages.createdAt, start),
        lt(groupMessages.createdAt, end),
      ),
    )
    .orderBy(asc(groupMembers.userId), asc(groups.name), asc(groupTopics.id), asc(groupMessages.createdAt));
  const people = await userSummaries(
    ctx.db,
    found.flatMap((row) => [row.userId, row.authorId]),
  );
  const rows = found.flatMap(({ authorId, ...row }): DigestLine[] => {
    const reader = people.get(row.userId);
    const author = people.get(authorId);
    return reader?.active && author ? [{ ...row, email: reader.email, authorName: author.name }] : [];
  });

  const byPerson = new Map<string, DigestLine[]>();
  for (const row of rows) {
    const lines = byPerson.get(row.userId) ?? [];
    lines.push(row);
    byPerson.set(row.userId, lines);
  }

  let sent = 0;
  for (const [userId, lines] of byPerson) {
    const queued = await inTransaction(ctx, async (tx) => {
      const claimed = await tx.db
        .insert(groupDigests)
        .values({ day, userId, messageCount: lines.length })
        .onConflictDoNothing()
        .returning({ userId: groupDigests.userId });
      if (claimed.length === 0) return false;
      const first = lines[0];
      if (!first) return false;
      await queueMail(tx, {
        to: first.email,
        subject: `Your group digest for ${day}: ${lines.length} new message${lines.length === 1 ? "" : "s"}`,
        text: await digestText(ctx.config, userId, day, lines),
      });
      return true;
    });
    if (queued) sent++;
  }
  return sent;
}

async function digestText(config: Config, userId: string, day: string, lines: DigestLine[]): Promise<string> {
  const out = [`What happened in your groups on ${day} (UTC):`, ""];
  const unsubscribes: string[] = [];
  let groupId = "";
  let topicId = "";
  for (const line of lines) {
    if (line.group.id !== groupId) {
      groupId = line.group.id;
      topicId = "";
      out.push(`== ${line.group.name} (${groupAddress(line.group, config.mailDomain)}) ==`, "");
      const token = await unsubscribeToken(config, line.group.id, userId);
      unsubscribes.push(`  ${line.group.name}: ${config.publicUrl}/api/groups/unsubscribe?token=${token}`);
    }
    if (line.topic.id !== topicId) {
      topicId = line.topic.id;
      out.push(`# ${line.topic.subject}`, `  ${topicUrl(config, line.group.handle, line.topic.id)}`);
    }
    out.push(
      `  ${line.authorName}, ${line.createdAt.toISOString().slice(11, 16)}: ${excerpt(line.body)}`,
      "",
    );
  }
  out.push("-- ", "You get this digest because you chose a daily digest. To stop e-mail from a group:");
  out.push(...unsubscribes);
  return out.join("\n");
}

/** How often the scheduler looks at the clock; the digest goes out within this much after the hour. */
const CHECK_EVERY_MS = 5 * 60_000;

/**
 * Sends yesterday's digests once the clock passes GROUP_DIGEST_HOUR (UTC). Each node runs it; the
 * digest rows make the work idempotent, and a node that was down at the hour catches up when it starts.
 */
export class DigestScheduler {
  private readonly worker: SerialWorker;
  private doneDay: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    log: WorkerLog = silentLog,
  ) {
    this.worker = new SerialWorker(() => this.sendIfDue(new Date()), log, "group digest pass failed");
  }

  /** Sends the digest for the day before `now` if the hour has come and this node has not sent it. */
  tick(now = new Date()): Promise<void> {
    return this.worker.flush(() => this.sendIfDue(now));
  }

  /** Looks at once (a node that was down at the hour catches up), then every few minutes. */
  start(): void {
    void this.tick();
    this.worker.start(CHECK_EVERY_MS);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  private async sendIfDue(now: Date): Promise<void> {
    const day = previousDay(now);
    if (now.getUTCHours() < this.config.groupDigestHour || this.doneDay === day) return;
    await sendDailyDigests({ db: this.db, config: this.config, actor: null, ip: null }, day);
    this.doneDay = day;
  }
}
