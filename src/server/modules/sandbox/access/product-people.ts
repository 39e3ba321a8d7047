import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { peopleByIds, userSummaries } from "../../accounts/index.js";
import { currentAgreement } from "./access.js";
import type { SandboxRole } from "./contracts/users.js";
import { sandboxAgreementAcceptances, sandboxUsers } from "./schema.js";

/** Why a person may not sign in to the product now; null when they may. */
export type ProductRefusal = "deactivated" | "not_a_sandbox_user" | "agreement_required";

/**
 * A person as the vendor's product knows them: who they are, their organisation and their sandbox role
 * (the product team as `staff`), whether they belong in its user list, and whether they may sign in now.
 */
export type ProductPerson = {
  userId: string;
  email: string;
  name: string;
  organisation: { id: string; name: string };
  role: SandboxRole | "staff";
  /** Belongs in the product's user list: an active account and an active sandbox user. */
  member: boolean;
  /** Null: may sign in now (a member, or staff, who accepted the agreement in force). */
  refusal: ProductRefusal | null;
};

type Standing = { userId: string; role: SandboxRole; removed: boolean };

async function describe(db: Db, standings: Standing[], staffIds: string[]): Promise<ProductPerson[]> {
  const ids = [...standings.map((standing) => standing.userId), ...staffIds];
  if (ids.length === 0) return [];
  const [people, summaries, agreement] = await Promise.all([
    peopleByIds(db, ids),
    userSummaries(db, ids),
    currentAgreement(db),
  ]);
  const accepted = new Set(
    agreement
      ? (
          await db
            .select({ userId: sandboxAgreementAcceptances.userId })
            .from(sandboxAgreementAcceptances)
            .where(
              and(
                eq(sandboxAgreementAcceptances.agreementId, agreement.id),
                inArray(sandboxAgreementAcceptances.userId, ids),
              ),
            )
        ).map((row) => row.userId)
      : [],
  );
  const roles = new Map<string, Standing | "staff">(standings.map((standing) => [standing.userId, standing]));
  for (const id of staffIds) roles.set(id, "staff");
  const described: ProductPerson[] = [];
  for (const [userId, standing] of roles) {
    const person = people.get(userId);
    const summary = summaries.get(userId);
    if (!person || !summary) continue;
    const staff = standing === "staff" || summary.isStaff;
    const member = standing !== "staff" && !standing.removed && summary.active;
    const refusal: ProductRefusal | null = !summary.active
      ? "deactivated"
      : !member && !staff
        ? "not_a_sandbox_user"
        : accepted.has(userId)
          ? null
          : "agreement_required";
    described.push({
      userId,
      email: person.email,
      name: person.name,
      organisation: person.organisation,
      role: staff ? "staff" : (standing as Standing).role,
      member,
      refusal,
    });
  }
  return described;
}

/** One person as the product sees them, or null for someone who is neither a sandbox user nor staff. */
export async function productPerson(db: Db, userId: string): Promise<ProductPerson | null> {
  const rows = await db
    .select({ userId: sandboxUsers.userId, role: sandboxUsers.role, removedAt: sandboxUsers.removedAt })
    .from(sandboxUsers)
    .where(eq(sandboxUsers.userId, userId));
  const standings = rows.map((row) => ({
    userId: row.userId,
    role: row.role,
    removed: row.removedAt !== null,
  }));
  const summary = (await userSummaries(db, [userId])).get(userId);
  const staffIds = summary?.isStaff && standings.length === 0 ? [userId] : [];
  const [person] = await describe(db, standings, staffIds);
  return person ?? null;
}

/** Everyone ever added to the sandbox (removed people too, as non-members), for provisioning. */
export async function productPeople(db: Db): Promise<ProductPerson[]> {
  const rows = await db
    .select({ userId: sandboxUsers.userId, role: sandboxUsers.role, removedAt: sandboxUsers.removedAt })
    .from(sandboxUsers);
  return describe(
    db,
    rows.map((row) => ({ userId: row.userId, role: row.role, removed: row.removedAt !== null })),
    [],
  );
}
