import { and, asc, inArray, isNull, lte, sql } from "drizzle-orm";
import { notificationKinds } from "../../../shared/contracts/notifications.js";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { Ctx } from "../context.js";
import { queueMail } from "../mail/service.js";
import { SerialWorker, silentLog, type WorkerLog } from "../serial-worker.js";
import { mayDeliver } from "./items.js";
import { quietUntil } from "./quiet-hours.js";
import { hasReplyTarget, replyAddress } from "./replies.js";
import { notificationSettings, notifications } from "./schema.js";

/** Who a notification is e-mailed to; the platform asks the accounts module through this. */
export type MailRecipient = { email: string; name: string; active: boolean };
export type RecipientsOf = (db: Db, userIds: string[]) => Promise<Map<string, MailRecipient>>;

/** Where people change what is e-mailed to them. */
export const PREFERENCES_PATH = "/settings/notifications";

/** Rows claimed per transaction: one batch's e-mails are queued with the rows that caused them. */
const CLAIM_BATCH = 200;
/** How often a node looks for due notifications. */
const CHECK_EVERY_MS = 30_000;

type Row = typeof notifications.$inferSelect;

const domainOf = (config: Config) => config.mailDomain;
/** The id every e-mail about one item to one person answers, so mail clients thread them together. */
const threadId = (config: Config, row: Row) =>
  `<notify.${row.userId}.${row.itemType}.${row.itemId}@${domainOf(config)}>`;

async function mailFor(config: Config, recipient: MailRecipient, rows: Row[], now: Date) {
  const first = rows[0] as Row;
  const newest = rows.at(-1) as Row;
  const link = `${config.publicUrl}${newest.url}`;
  const answerable = hasReplyTarget(first.itemType);
  const reply = answerable
    ? await replyAddress(config, first.userId, { type: first.itemType, id: first.itemId }, now)
    : null;
  const lines = [`Hello ${recipient.name},`, "", `You have not read this yet on ${first.itemTitle}:`, ""];
  for (const row of rows) {
    const who = row.actorName ? `${row.actorName} · ` : "";
    lines.push(`${who}${notificationKinds[row.kind]?.label ?? row.kind}`);
    if (row.excerpt) lines.push(`  ${row.excerpt}`);
    lines.push("");
  }
  lines.push(`Open it: ${link}`);
  if (reply) lines.push("Reply to this e-mail to answer.");
  lines.push(
    "",
    "-- ",
    "You get this e-mail because these notifications were still unread.",
    `Choose what is e-mailed to you: ${config.publicUrl}${PREFERENCES_PATH}`,
  );
  const thread = threadId(config, first);
  return {
    to: recipient.email,
    subject: newest.itemTitle,
    text: lines.join("\n"),
    headers: {
      "Message-ID": `<notify.${newest.id}@${domainOf(config)}>`,
      "In-Reply-To": thread,
      References: thread,
      // Vacation responders do not answer it (RFC 3834).
      "Auto-Submitted": "auto-generated",
      ...(reply ? { "Reply-To": reply } : {}),
    },
  };
}

/**
 * E-mails unread notifications once due: one e-mail per person and item with all of them, newest
 * last. Rows are claimed with SKIP LOCKED and marked e-mailed in the transaction that queues the
 * mail, so each goes out once across nodes and restarts; a read notification has no due time.
 * Answers how many notifications were e-mailed.
 */
export async function sendDueNotifications(
  db: Db,
  config: Config,
  recipientsOf: RecipientsOf,
  now = new Date(),
): Promise<number> {
  let emailed = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      const ctx: Ctx = { db: txDb, config, actor: null, ip: null };
      const rows = await tx
        .select()
        .from(notifications)
        .where(
          and(
            // Due times are the database's now() (microseconds), and a Date keeps milliseconds: compared
            // with `now` alone, a notification due in the same millisecond would wait for the next pass.
            lte(notifications.emailDueAt, sql`greatest(now(), ${now.toISOString()}::timestamptz)`),
            isNull(notifications.readAt),
            isNull(notifications.emailedAt),
          ),
        )
        .orderBy(asc(notifications.userId), asc(notifications.createdAt))
        .limit(CLAIM_BATCH)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return { claimed: 0, emailed: 0 };
      const userIds = [...new Set(rows.map((row) => row.userId))];
      const recipients = await recipientsOf(txDb, userIds);
      const settings = new Map(
        (
          await tx.select().from(notificationSettings).where(inArray(notificationSettings.userId, userIds))
        ).map((row) => [row.userId, row]),
      );
      const byItem = new Map<string, Row[]>();
      for (const row of rows) {
        const key = `${row.userId} ${row.itemType} ${row.itemId}`;
        byItem.set(key, [...(byItem.get(key) ?? []), row]);
      }
      const drop: string[] = [];
      let sent = 0;
      for (const group of byItem.values()) {
        const first = group[0] as Row;
        const ids = group.map((row) => row.id);
        const recipient = recipients.get(first.userId);
        const visible =
          recipient?.active &&
          (await mayDeliver(txDb, { type: first.itemType, id: first.itemId }, [first.userId])).length > 0;
        if (!recipient || !visible) {
          drop.push(...ids);
          continue;
        }
        const personal = settings.get(first.userId);
        const quietEnd = personal ? quietUntil(personal, now) : null;
        if (quietEnd) {
          await tx.update(notifications).set({ emailDueAt: quietEnd }).where(inArray(notifications.id, ids));
          continue;
        }
        await queueMail(ctx, await mailFor(config, recipient, group, now));
        await tx
          .update(notifications)
          .set({ emailedAt: now, emailDueAt: null })
          .where(inArray(notifications.id, ids));
        sent += ids.length;
      }
      // Someone who left, or lost sight of the item, is never sent it; it stays in no queue either.
      if (drop.length > 0)
        await tx.update(notifications).set({ emailDueAt: null }).where(inArray(notifications.id, drop));
      return { claimed: rows.length, emailed: sent };
    });
    emailed += batch.emailed;
    if (batch.claimed < CLAIM_BATCH) return emailed;
  }
}

/**
 * Runs sendDueNotifications every half minute on each node (SKIP LOCKED shares the work); started
 * when the server listens, so tests call `runOnce` with their own clock.
 */
export class MissedMailWorker {
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly recipientsOf: RecipientsOf,
    /** Told when mail was queued, so it leaves now rather than on the mailer's next tick. */
    private readonly onQueued: () => void = () => undefined,
    log: WorkerLog = silentLog,
  ) {
    this.worker = new SerialWorker(
      () => this.sendDue(new Date()),
      log,
      "missed-notification mail pass failed",
    );
  }

  /** Sends what is due at `now`, after any pass under way; resolves with how many notifications were e-mailed. */
  runOnce(now = new Date()): Promise<number> {
    return this.worker.run(() => this.sendDue(now));
  }

  start(): void {
    this.worker.start(CHECK_EVERY_MS);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  private async sendDue(now: Date): Promise<number> {
    const emailed = await sendDueNotifications(this.db, this.config, this.recipientsOf, now);
    if (emailed > 0) this.onQueued();
    return emailed;
  }
}
