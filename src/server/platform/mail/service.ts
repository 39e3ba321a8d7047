import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Transporter } from "nodemailer";
import type { MailMessage } from "../../../shared/contracts/platform.js";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { Ctx } from "../context.js";
import { wakeWorkersAfterCommit } from "../events/publish.js";
import { SerialWorker, silentLog, type WorkerLog } from "../serial-worker.js";
import { mailOutbox } from "./schema.js";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
};

/** Queues mail in the caller's transaction: it leaves only if the change that caused it commits. */
export async function queueMail(ctx: Ctx, mail: OutgoingMail): Promise<void> {
  await queueMails(ctx, [mail]);
}

const QUEUE_BATCH = 500;

/**
 * `.invalid` is reserved (RFC 2606) and takes no mail: erased accounts have such an address, so
 * nothing addressed to them is queued at all.
 */
const undeliverable = (address: string) =>
  address.toLowerCase().endsWith(".invalid") || address.toLowerCase().endsWith("@invalid");

/** What the mailers of every node listen to: mail was queued. */
export const MAIL_QUEUED_CHANNEL = "convene_mail_queued";

/** Queues many messages (a group's fan-out) in the caller's transaction, a few hundred rows a statement. */
export async function queueMails(ctx: Ctx, all: OutgoingMail[]): Promise<void> {
  const mails = all.filter((mail) => !undeliverable(mail.to));
  for (let start = 0; start < mails.length; start += QUEUE_BATCH) {
    await ctx.db.insert(mailOutbox).values(
      mails.slice(start, start + QUEUE_BATCH).map((mail) => ({
        toAddress: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? null,
        headers: mail.headers ?? {},
      })),
    );
  }
  if (mails.length > 0) await wakeWorkersAfterCommit(ctx, MAIL_QUEUED_CHANNEL);
}

const MAX_ATTEMPTS = 5;

/**
 * Delivers queued mail through SMTP_URL, or, without one, marks it stored so staff read it in the
 * outbox. Flushes are serialised in-process and rows are claimed with SKIP LOCKED across nodes.
 */
export class Mailer {
  /** The SMTP client, made when the first message is due: a node that sends none never loads it. */
  private transport: Promise<Transporter> | undefined;
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    log: WorkerLog = silentLog,
    /** Hears of every message a pass failed to hand to SMTP (the failure counter of /metrics). */
    private readonly onSendFailures: (count: number) => void = () => {},
  ) {
    this.worker = new SerialWorker(() => this.deliverPending(), log, "mail delivery pass failed");
  }

  /** Delivers everything pending now; resolves when done. */
  flush(): Promise<void> {
    return this.worker.flush();
  }

  /** Delivers what is pending within a few milliseconds, in one pass with other asks meanwhile. */
  flushSoon(): void {
    this.worker.flushSoon();
  }

  start(intervalMs = 2000): void {
    this.worker.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    if (this.transport) (await this.transport).close();
  }

  /** SMTP_URL's transport; null without one (mail is stored for the outbox). */
  private smtp(): Promise<Transporter> | null {
    const { smtpUrl } = this.config;
    if (!smtpUrl) return null;
    this.transport ??= import("nodemailer").then(({ default: nodemailer }) =>
      nodemailer.createTransport(smtpUrl),
    );
    return this.transport;
  }

  private async deliverPending(): Promise<void> {
    for (;;) {
      const batch = await this.db.transaction(async (tx) => {
        let failed = 0;
        const rows = await tx
          .select()
          .from(mailOutbox)
          .where(and(eq(mailOutbox.status, "pending"), lt(mailOutbox.attempts, MAX_ATTEMPTS)))
          .orderBy(mailOutbox.createdAt)
          .limit(20)
          .for("update", { skipLocked: true });
        if (rows.length === 0) return { claimed: 0, failed };
        const transport = await this.smtp();
        if (!transport) {
          await tx
            .update(mailOutbox)
            .set({ status: "stored" })
            .where(
              inArray(
                mailOutbox.id,
                rows.map((r) => r.id),
              ),
            );
          return { claimed: rows.length, failed };
        }
        // The batch goes out at once: a pooled transport (SMTP_URL ?pool=true) spreads it over its
        // connections, which is what makes a group's fan-out to thousands of members quick.
        const outcomes = await Promise.allSettled(
          rows.map((row) =>
            transport.sendMail({
              // Group mail names its author and list address in From; everything else is from Convene.
              from: row.headers.From ?? this.config.mailFrom,
              to: row.toAddress,
              subject: row.subject,
              text: row.text,
              html: row.html ?? undefined,
              headers: row.headers,
            }),
          ),
        );
        const sent = rows.filter((_, index) => outcomes[index]?.status === "fulfilled").map((row) => row.id);
        if (sent.length > 0)
          await tx
            .update(mailOutbox)
            .set({ status: "sent", sentAt: new Date() })
            .where(inArray(mailOutbox.id, sent));
        for (const [index, row] of rows.entries()) {
          const outcome = outcomes[index];
          if (outcome?.status !== "rejected") continue;
          failed++;
          const attempts = row.attempts + 1;
          const error: unknown = outcome.reason;
          await tx
            .update(mailOutbox)
            .set({
              attempts,
              lastError: error instanceof Error ? error.message : String(error),
              status: attempts >= MAX_ATTEMPTS ? "failed" : "pending",
            })
            .where(eq(mailOutbox.id, row.id));
        }
        return { claimed: rows.length, failed };
      });
      if (batch.failed > 0) this.onSendFailures(batch.failed);
      // A failed send stays pending for the next tick rather than being retried in a tight loop.
      if (batch.claimed < 20 || batch.failed > 0) return;
    }
  }
}

export async function listOutbox(db: Db, options: { to?: string; limit: number }) {
  return db
    .select()
    .from(mailOutbox)
    .where(options.to ? sql`${mailOutbox.toAddress} ilike ${`%${options.to}%`}` : undefined)
    .orderBy(desc(mailOutbox.createdAt))
    .limit(options.limit);
}

/** The outbox as staff read it. */
export async function listOutboxMessages(
  db: Db,
  options: { to?: string; limit: number },
): Promise<MailMessage[]> {
  const rows = await listOutbox(db, options);
  return rows.map((row) => ({
    id: row.id,
    to: row.toAddress,
    subject: row.subject,
    text: row.text,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  }));
}
