import { and, asc, eq, ne } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { invalid, notFound } from "../../platform/errors.js";
import { listActiveStaff } from "../accounts/index.js";
import type { Macro, MacroInput, MacroReplyInput } from "./contracts/macros.js";
import type { Ticket } from "./contracts/tickets.js";
import { deskMacros } from "./schema.js";
import { addComment, getTicket, updateTicket } from "./tickets.js";

type MacroRow = typeof deskMacros.$inferSelect;

function presentMacro(row: MacroRow): Macro {
  return {
    id: row.id,
    name: row.name,
    body: row.body,
    status: row.status,
    assignee: row.assignee,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listMacros(ctx: ActorCtx): Promise<Macro[]> {
  const rows = await ctx.db.select().from(deskMacros).orderBy(asc(deskMacros.name));
  return rows.map(presentMacro);
}

async function checkMacro(ctx: ActorCtx, input: MacroInput, exceptId?: string): Promise<void> {
  const [sameName] = await ctx.db
    .select({ id: deskMacros.id })
    .from(deskMacros)
    .where(and(eq(deskMacros.name, input.name), exceptId ? ne(deskMacros.id, exceptId) : undefined));
  if (sameName) throw invalid({ name: "Another macro has this name." });
  if (input.assignee && input.assignee !== "me" && input.assignee !== "none") {
    const staff = await listActiveStaff(ctx.db);
    if (!staff.some((person) => person.id === input.assignee)) {
      throw invalid({ assignee: "Choose a member of the product team." });
    }
  }
}

export async function createMacro(ctx: ActorCtx, input: MacroInput): Promise<Macro> {
  return inTransaction(ctx, async (tx) => {
    await checkMacro(tx, input);
    const [row] = await tx.db.insert(deskMacros).values(input).returning();
    if (!row) throw new Error("macro row was not written");
    await recordAudit(tx, { action: "desk.macro_created", targetType: "desk_macro", targetId: row.id });
    return presentMacro(row);
  });
}

export async function updateMacro(ctx: ActorCtx, id: string, input: MacroInput): Promise<Macro> {
  return inTransaction(ctx, async (tx) => {
    await checkMacro(tx, input, id);
    const [row] = await tx.db.update(deskMacros).set(input).where(eq(deskMacros.id, id)).returning();
    if (!row) throw notFound("The macro");
    await recordAudit(tx, { action: "desk.macro_changed", targetType: "desk_macro", targetId: id });
    return presentMacro(row);
  });
}

export async function deleteMacro(ctx: ActorCtx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db.delete(deskMacros).where(eq(deskMacros.id, id)).returning();
    if (!row) throw notFound("The macro");
    await recordAudit(tx, { action: "desk.macro_removed", targetType: "desk_macro", targetId: id });
  });
}

/**
 * The macro's reply (as the sender edited it) and its status and assignee changes, together or not at
 * all: a reply that says "resolved" never lands on a ticket left open. The reply goes first, so a
 * resolving macro's e-mail follows the answer it resolves with.
 */
export async function replyWithMacro(
  ctx: ActorCtx,
  ticketId: string,
  input: MacroReplyInput,
): Promise<Ticket> {
  await inTransaction(ctx, async (tx) => {
    const [macro] = await tx.db.select().from(deskMacros).where(eq(deskMacros.id, input.macroId));
    if (!macro) throw invalid({ macroId: "The macro no longer exists." });
    await addComment(tx, ticketId, { body: input.body });
    const assigneeId =
      macro.assignee === null
        ? undefined
        : macro.assignee === "me"
          ? tx.actor.id
          : macro.assignee === "none"
            ? null
            : macro.assignee;
    if (macro.status !== null || assigneeId !== undefined) {
      await updateTicket(tx, ticketId, {
        ...(macro.status === null ? {} : { status: macro.status }),
        ...(assigneeId === undefined ? {} : { assigneeId }),
      });
    }
  });
  return getTicket(ctx, ticketId);
}
