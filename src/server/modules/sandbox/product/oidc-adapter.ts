import { and, eq, gt, isNull, or } from "drizzle-orm";
import type { Adapter } from "oidc-provider";
import type { Db } from "../../../db/client.js";
import { sandboxOidcModels } from "./schema.js";

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * oidc-provider's storage in the database, so sessions, grants and refresh tokens outlive a restart and
 * are shared by every node; the account and grant are kept as columns, so everything a person holds
 * can be found and ended together (sessions.ts).
 */
export function databaseAdapter(db: Db): new (model: string) => Adapter {
  const live = (model: string) =>
    and(
      eq(sandboxOidcModels.model, model),
      or(isNull(sandboxOidcModels.expiresAt), gt(sandboxOidcModels.expiresAt, new Date())),
    );
  const payloadOf = (row: typeof sandboxOidcModels.$inferSelect | undefined) =>
    row
      ? {
          ...row.payload,
          ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}),
        }
      : undefined;

  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      const columns = {
        payload,
        accountId: text(payload.accountId),
        grantId: text(payload.grantId),
        uid: text(payload.uid),
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      };
      await db
        .insert(sandboxOidcModels)
        .values({ model: this.model, id, ...columns })
        .onConflictDoUpdate({ target: [sandboxOidcModels.model, sandboxOidcModels.id], set: columns });
    }

    async find(id: string) {
      const [row] = await db
        .select()
        .from(sandboxOidcModels)
        .where(and(live(this.model), eq(sandboxOidcModels.id, id)));
      return payloadOf(row);
    }

    async findByUid(uid: string) {
      const [row] = await db
        .select()
        .from(sandboxOidcModels)
        .where(and(live(this.model), eq(sandboxOidcModels.uid, uid)));
      return payloadOf(row);
    }

    // Device codes are not offered, so no user code is ever stored.
    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      await db
        .update(sandboxOidcModels)
        .set({ consumedAt: new Date() })
        .where(and(eq(sandboxOidcModels.model, this.model), eq(sandboxOidcModels.id, id)));
    }

    async destroy(id: string): Promise<void> {
      await db
        .delete(sandboxOidcModels)
        .where(and(eq(sandboxOidcModels.model, this.model), eq(sandboxOidcModels.id, id)));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.delete(sandboxOidcModels).where(eq(sandboxOidcModels.grantId, grantId));
    }
  };
}
