/**
 * Announced wipes: staff schedule a reset of the sandbox's clinical data to the
 * generated baseline at least the notice period ahead, or wipe now with a typed confirmation. The
 * reset itself is wipe-runner.ts; this file is the announcement side: the row, the platform audit
 * entry, the chat notice, the e-mails and the real-time event, all in one transaction.
 */
import { asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../../platform/context.js";
import { isUniqueViolation } from "../../../platform/db-errors.js";
import { AppError, invalid, notFound } from "../../../platform/errors.js";
import { publishEvent } from "../../../platform/events/publish.js";
import { queueMail } from "../../../platform/mail/service.js";
import { userSummaries } from "../../accounts/index.js";
import { postNotice } from "../../chat/index.js";
import { activeSandboxUserIds, gate, notifyEnvironmentPeople } from "../access/index.js";
import { MAX_WIPE_MESSAGE_LENGTH, type NextWipe, WIPE_CONFIRMATION, wipeChanged } from "./contracts/wipes.js";
import { requireStaffOperator } from "./flags.js";
import type { WipeRow, WipeView } from "./present.js";
import { sandboxWipes } from "./schema.js";
import { loadSandboxSettings, noticeChannel } from "./settings.js";
import { failAbandonedWipes } from "./wipe-liveness.js";
import { presentWipeRow, presentWipes } from "./wipe-views.js";

export const WIPE_SCHEDULED = "sandbox.wipe_scheduled";
export const WIPE_CANCELLED = "sandbox.wipe_cancelled";
export const WIPE_NOW = "sandbox.wipe_now";

export { WIPE_CONFIRMATION } from "./contracts/wipes.js";

const MAX_WIPE_HISTORY = 100;

export type WipeInput = { scheduledFor: Date; message: string };

/** "2026-11-27 09:00 UTC": one unambiguous time for every reader of the notice and the e-mail. */
export const wipeTime = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function checkMessage(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) throw invalid({ message: "Say why the environment is wiped." });
  if (trimmed.length > MAX_WIPE_MESSAGE_LENGTH)
    throw invalid({ message: `Use at most ${MAX_WIPE_MESSAGE_LENGTH.toLocaleString("en")} characters.` });
  return trimmed;
}

/** The pending wipe (scheduled or running), locked when asked, or null. */
async function pendingWipe(db: Db, lock = false): Promise<WipeRow | null> {
  const query = db
    .select()
    .from(sandboxWipes)
    .where(inArray(sandboxWipes.status, ["scheduled", "running"]));
  const [row] = lock ? await query.for("update") : await query;
  return row ?? null;
}

const alreadyPending = (row: Pick<WipeRow, "status" | "scheduledFor">) =>
  new AppError(
    "conflict",
    row.status === "running"
      ? "A wipe is running now; wait for it to finish."
      : `A wipe is already scheduled for ${wipeTime(row.scheduledFor)}; cancel it first to choose another time.`,
  );

/** Active sandbox users whose account is active: the people a wipe's e-mail goes to. */
async function sandboxRecipients(db: Db): Promise<{ email: string; name: string }[]> {
  const people = await userSummaries(db, await activeSandboxUserIds(db));
  return [...people.values()].filter((person) => person.active);
}

/** The same words in the chat notice and the e-mail; each names the time and what goes and stays. */
function announcement(kind: "scheduled" | "now" | "cancelled", wipe: WipeRow, publicUrl: string) {
  const studiesUrl = `${publicUrl}/sandbox/studies`;
  const when = wipeTime(wipe.scheduledFor);
  switch (kind) {
    case "scheduled":
      return {
        subject: `The development environment will be wiped on ${when}`,
        body: `The development environment will be wiped on ${when}: studies, volunteers, enrolments and pharmacy data go back to the generated baseline (sandbox users, agreements, flags and deployments stay). ${wipe.message} Export your organisation's studies before then and import them afterwards: ${studiesUrl}`,
      };
    case "now":
      return {
        subject: "The development environment is being wiped now",
        body: `The development environment is being wiped now: studies, volunteers, enrolments and pharmacy data go back to the generated baseline. ${wipe.message} Import your exported studies once it is back: ${studiesUrl}`,
      };
    case "cancelled":
      return {
        subject: `The wipe of the development environment on ${when} is cancelled`,
        body: `The wipe of the development environment announced for ${when} is cancelled; nothing will be reset.`,
      };
  }
}

/**
 * Tells everyone, in the caller's transaction: the notice in the configured channel (one per wipe and
 * kind, however often the transaction is retried), an e-mail to every sandbox user, and the event
 * that makes open pages show, move or drop the countdown banner.
 */
async function announce(tx: ActorCtx, kind: "scheduled" | "now" | "cancelled", row: WipeRow) {
  const { subject, body } = announcement(kind, row, tx.config.publicUrl);
  const channel = await noticeChannel(tx.db);
  await postNotice(tx, {
    channelId: channel.id,
    clientId: `sandbox-wipe:${row.id}:${kind}`,
    body,
  });
  for (const person of await sandboxRecipients(tx.db))
    await queueMail(tx, { to: person.email, subject, text: `Hello ${person.name},\n\n${body}\n` });
  await notifyEnvironmentPeople(tx, {
    kind: "sandbox.wipe",
    item: { type: "wipe", id: row.id, title: subject, url: "/sandbox/status" },
    excerpt: body,
    // Everyone with access was just e-mailed the notice itself.
    ownEmail: true,
  });
  const view = await presentWipeRow(tx.db, row);
  await publishEvent(tx, wipeChanged, { everyone: true }, { wipe: view });
  return view;
}

/**
 * Schedules a wipe at least the notice period ahead (400 naming `scheduledFor` with the earliest time
 * allowed); a second pending wipe is 409 (checked, and enforced by the unique index for a race).
 */
export async function scheduleWipe(ctx: ActorCtx, input: WipeInput): Promise<WipeView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  const message = checkMessage(input.message);
  const { wipeNoticeHours } = await loadSandboxSettings(ctx.db);
  const now = new Date();
  const earliest = new Date(now.getTime() + wipeNoticeHours * 3600_000);
  if (Number.isNaN(input.scheduledFor.getTime()))
    throw invalid({ scheduledFor: "Enter the time as an ISO 8601 date and time." });
  if (input.scheduledFor.getTime() < earliest.getTime())
    throw invalid({
      scheduledFor: `${
        input.scheduledFor.getTime() <= now.getTime() ? "That time has passed. " : ""
      }Schedule the wipe at least ${wipeNoticeHours} hours ahead: ${wipeTime(earliest)} or later.`,
    });
  // A wipe whose runner died must not keep refusing the next one.
  await failAbandonedWipes(ctx);
  try {
    return await inTransaction(ctx, async (tx) => {
      const pending = await pendingWipe(tx.db);
      if (pending) throw alreadyPending(pending);
      const [row] = await tx.db
        .insert(sandboxWipes)
        .values({ scheduledFor: input.scheduledFor, message, scheduledBy: actor.id })
        .returning();
      if (!row) throw new Error("the wipe was not written");
      await recordAudit(tx, {
        action: WIPE_SCHEDULED,
        targetType: "sandbox_wipe",
        targetId: row.id,
        details: { scheduledFor: row.scheduledFor.toISOString(), message },
      });
      return announce(tx, "scheduled", row);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const pending = await pendingWipe(ctx.db);
    throw alreadyPending(pending ?? { status: "running", scheduledFor: now });
  }
}

/** Cancels the scheduled wipe: a notice, e-mails and the event take the banner away. */
export async function cancelWipe(ctx: ActorCtx, id: string): Promise<WipeView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  return inTransaction(ctx, async (tx) => {
    const [wipe] = await tx.db.select().from(sandboxWipes).where(eq(sandboxWipes.id, id)).for("update");
    if (!wipe) throw notFound("The wipe");
    if (wipe.status !== "scheduled")
      throw new AppError("conflict", `This wipe is ${wipe.status}; only a scheduled wipe can be cancelled.`);
    const [row] = await tx.db
      .update(sandboxWipes)
      .set({ status: "cancelled", cancelledBy: actor.id, finishedAt: new Date() })
      .where(eq(sandboxWipes.id, id))
      .returning();
    if (!row) throw notFound("The wipe");
    await recordAudit(tx, {
      action: WIPE_CANCELLED,
      targetType: "sandbox_wipe",
      targetId: row.id,
      details: { scheduledFor: row.scheduledFor.toISOString() },
    });
    return announce(tx, "cancelled", row);
  });
}

/**
 * Wipe now, after the confirmation phrase typed by hand (any case, outer spaces ignored; else 400
 * naming `confirmation`). A wipe already scheduled is taken over: its row becomes this immediate wipe
 * (its time now, this message), so there is still one pending wipe and one history entry. A wipe
 * that is running is 409. The caller then starts the runner; this only makes the wipe due.
 */
export async function wipeNow(
  ctx: ActorCtx,
  input: { confirmation: string; message: string },
): Promise<WipeView> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  if (input.confirmation.trim().toLowerCase() !== WIPE_CONFIRMATION)
    throw invalid(
      { confirmation: `Type "${WIPE_CONFIRMATION}" to confirm.` },
      "The confirmation does not match; nothing was wiped.",
    );
  const message = checkMessage(input.message);
  await failAbandonedWipes(ctx);
  try {
    return await inTransaction(ctx, async (tx) => {
      const pending = await pendingWipe(tx.db, true);
      if (pending?.status === "running") throw alreadyPending(pending);
      const now = new Date();
      const values = { scheduledFor: now, message, immediate: true, scheduledBy: actor.id };
      const [row] = pending
        ? await tx.db.update(sandboxWipes).set(values).where(eq(sandboxWipes.id, pending.id)).returning()
        : await tx.db.insert(sandboxWipes).values(values).returning();
      if (!row) throw new Error("the wipe was not written");
      await recordAudit(tx, {
        action: WIPE_NOW,
        targetType: "sandbox_wipe",
        targetId: row.id,
        details: {
          message,
          takenOver: pending ? { scheduledFor: pending.scheduledFor.toISOString() } : null,
        },
      });
      return announce(tx, "now", row);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw alreadyPending((await pendingWipe(ctx.db)) ?? { status: "running", scheduledFor: new Date() });
  }
}

/**
 * Every wipe, newest first (the latest 100): scheduled, running, and the history; and the host of the
 * product's reset endpoint when a due wipe resets the vendor's product rather than the built-in one.
 */
export async function listWipes(
  ctx: ActorCtx,
): Promise<{ wipes: WipeView[]; productResetHost: string | null }> {
  const { actor } = ctx;
  requireStaffOperator(actor);
  const rows = await ctx.db
    .select()
    .from(sandboxWipes)
    .orderBy(desc(sandboxWipes.createdAt), desc(sandboxWipes.id))
    .limit(MAX_WIPE_HISTORY);
  const { resetUrl } = ctx.config.product;
  return {
    wipes: await presentWipes(ctx.db, rows),
    productResetHost: resetUrl ? new URL(resetUrl).host : null,
  };
}

/**
 * The wipe announced next, or null: what a deployment pipeline asks before it deploys. Behind the
 * sandbox gate, like the environment's records, so a token acts only for someone who accepted the
 * agreement.
 */
export async function nextWipe(ctx: ActorCtx): Promise<NextWipe | null> {
  await gate(ctx);
  const [row] = await ctx.db
    .select({ id: sandboxWipes.id, scheduledFor: sandboxWipes.scheduledFor, message: sandboxWipes.message })
    .from(sandboxWipes)
    .where(eq(sandboxWipes.status, "scheduled"))
    .orderBy(asc(sandboxWipes.scheduledFor))
    .limit(1);
  return row ? { id: row.id, scheduledFor: row.scheduledFor.toISOString(), message: row.message } : null;
}
