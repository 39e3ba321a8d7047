import { and, desc, eq, gte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, invalid, notFound } from "../../platform/errors.js";
import { getOrganisation, userSummaries } from "../accounts/index.js";
import { createdFields, dosingSubjects, recordSandboxChanges } from "../sandbox/index.js";
import type { Previewed } from "./contracts/common.js";
import type { Dispensation, DispensationFilters, DispensationInput } from "./contracts/dispensing.js";
import { isExpired } from "./lots.js";
import { dispensingRefusal, openPharmacy } from "./policy.js";
import { withPreview } from "./present.js";
import { pharmacyContainers, pharmacyDispensations, pharmacyLots, pharmacyProducts } from "./schema.js";

/** Doses compare without regard to case or spacing: "10 mg  NWX-12 Oral" is the cohort's "10 mg NWX-12 oral". */
export const normaliseDose = (dose: string): string => dose.trim().replace(/\s+/g, " ").toLowerCase();

const MAX_DISPENSATION_LIST = 1000;

async function presentDispensations(db: Db, where: SQL | undefined): Promise<Dispensation[]> {
  const rows = await db
    .select({
      dispensation: pharmacyDispensations,
      barcode: pharmacyContainers.barcode,
      lotNumber: pharmacyLots.lotNumber,
      productId: pharmacyProducts.id,
      productName: pharmacyProducts.name,
    })
    .from(pharmacyDispensations)
    .innerJoin(pharmacyContainers, eq(pharmacyContainers.id, pharmacyDispensations.containerId))
    .innerJoin(pharmacyLots, eq(pharmacyLots.id, pharmacyContainers.lotId))
    .innerJoin(pharmacyProducts, eq(pharmacyProducts.id, pharmacyLots.productId))
    .where(where)
    .orderBy(desc(pharmacyDispensations.dispensedAt), desc(pharmacyDispensations.id))
    .limit(MAX_DISPENSATION_LIST);
  const subjects = await dosingSubjects(
    db,
    rows.map((row) => row.dispensation.enrolmentId),
  );
  const dispensers = await userSummaries(
    db,
    rows.map((row) => row.dispensation.dispensedBy),
  );
  return rows.map(({ dispensation, ...names }) => {
    const subject = subjects.get(dispensation.enrolmentId);
    const dispenser = dispensers.get(dispensation.dispensedBy);
    return {
      id: dispensation.id,
      containerId: dispensation.containerId,
      enrolmentId: dispensation.enrolmentId,
      ...names,
      studyId: subject?.studyId ?? null,
      protocolNumber: subject?.protocolNumber ?? null,
      subjectNumber: subject?.subjectNumber ?? null,
      quantity: dispensation.quantity,
      dose: dispensation.dose,
      doseReason: dispensation.doseReason,
      dispensedBy: dispenser ? { id: dispenser.id, name: dispenser.name } : null,
      dispensedAt: dispensation.dispensedAt.toISOString(),
    };
  });
}

/** Dispensations, newest first (the latest 1,000), by subject and/or product. */
export async function listDispensations(
  ctx: ActorCtx,
  filters: DispensationFilters,
): Promise<{ dispensations: Dispensation[]; preview: boolean }> {
  const { preview } = await openPharmacy(ctx);
  const conditions: SQL[] = [];
  if (filters.enrolmentId) conditions.push(eq(pharmacyDispensations.enrolmentId, filters.enrolmentId));
  if (filters.productId) conditions.push(eq(pharmacyProducts.id, filters.productId));
  return { dispensations: await presentDispensations(ctx.db, and(...conditions)), preview };
}

/**
 * Dispenses a dose to an enrolled subject from a container in dispense, in one transaction:
 * - the subject's enrolment share-locked; 403 unless staff or a pharmacist of the study's organisation;
 * - 409 unless the subject is enrolled in a cohort;
 * - a dose other than the cohort's (case and spacing aside) needs `doseReason` (400 naming it);
 * - 409 when the container is not in dispense, when its lot is past its expiry date, or when fewer
 *   units are left than asked for.
 * The units are drawn by one conditional UPDATE (`remaining >= quantity`), so dispenses racing for the
 * last units of a container are serialised on its row and never take it below zero.
 */
export async function dispense(ctx: ActorCtx, input: DispensationInput): Promise<Previewed<Dispensation>> {
  const { role, preview } = await openPharmacy(ctx);
  const dose = input.dose.trim();
  const doseReason = input.doseReason?.trim() || null;
  const id = await inTransaction(ctx, async (tx) => {
    const subject = (await dosingSubjects(tx.db, [input.enrolmentId], true)).get(input.enrolmentId);
    if (!subject) throw notFound("The enrolment");
    const owner = await getOrganisation(tx.db, subject.organisationId);
    const refusal = dispensingRefusal(ctx.actor, role, subject, owner.name);
    if (refusal) throw forbidden(refusal);
    const who = subject.subjectNumber
      ? `subject ${subject.subjectNumber}`
      : `volunteer ${subject.volunteerDisplayId}`;
    if (subject.status !== "enrolled" || !subject.cohort)
      throw new AppError(
        "conflict",
        `Nothing was dispensed: ${who} is not enrolled in a cohort of ${subject.protocolNumber} (${subject.status === "enrolled" ? "its cohort was removed" : `the enrolment is ${subject.status}`}).`,
        { enrolmentId: `${who} is not enrolled in a cohort.` },
      );
    if (normaliseDose(dose) !== normaliseDose(subject.cohort.dose) && !doseReason)
      throw invalid(
        {
          doseReason: `${subject.cohort.name}'s dose is ${subject.cohort.dose}: give a reason for dispensing ${dose}.`,
        },
        "A dose other than the cohort's needs a reason.",
      );

    const [container] = await tx.db
      .select({
        barcode: pharmacyContainers.barcode,
        status: pharmacyContainers.status,
        lotNumber: pharmacyLots.lotNumber,
        expiry: pharmacyLots.expiry,
      })
      .from(pharmacyContainers)
      .innerJoin(pharmacyLots, eq(pharmacyLots.id, pharmacyContainers.lotId))
      .where(eq(pharmacyContainers.id, input.containerId));
    if (!container) throw notFound("The container");
    if (container.status !== "dispense")
      throw new AppError(
        "conflict",
        `Container ${container.barcode} is in ${container.status}: doses are drawn only from a container in dispense.`,
        { containerId: `Move ${container.barcode} to dispense first.` },
      );
    if (isExpired(container.expiry))
      throw new AppError(
        "conflict",
        `Lot ${container.lotNumber} expired on ${container.expiry}: it is not dispensed any more.`,
        { containerId: `Lot ${container.lotNumber} expired on ${container.expiry}.` },
      );

    // The draw itself: the row lock orders racing dispenses; the condition is re-checked after a wait.
    const [drawn] = await tx.db
      .update(pharmacyContainers)
      .set({ remaining: sql`${pharmacyContainers.remaining} - ${input.quantity}`, updatedAt: new Date() })
      .where(
        and(
          eq(pharmacyContainers.id, input.containerId),
          eq(pharmacyContainers.status, "dispense"),
          gte(pharmacyContainers.remaining, input.quantity),
        ),
      )
      .returning({ remaining: pharmacyContainers.remaining });
    if (!drawn) {
      const [left] = await tx.db
        .select({ remaining: pharmacyContainers.remaining })
        .from(pharmacyContainers)
        .where(eq(pharmacyContainers.id, input.containerId));
      const remaining = left?.remaining ?? 0;
      throw new AppError(
        "conflict",
        `Container ${container.barcode} has only ${remaining} ${remaining === 1 ? "unit" : "units"} left; ${input.quantity} were asked for.`,
        { quantity: `Only ${remaining} ${remaining === 1 ? "unit" : "units"} left in ${container.barcode}.` },
      );
    }

    const [row] = await tx.db
      .insert(pharmacyDispensations)
      .values({
        containerId: input.containerId,
        enrolmentId: subject.enrolmentId,
        quantity: input.quantity,
        dose,
        doseReason,
        dispensedBy: ctx.actor.id,
      })
      .returning();
    if (!row) throw new Error("the dispensation was not written");
    await recordSandboxChanges(tx, [
      {
        action: "create",
        recordType: "pharmacy_dispensation",
        recordId: row.id,
        studyId: subject.studyId,
        changes: createdFields({
          containerId: row.containerId,
          enrolmentId: row.enrolmentId,
          subjectNumber: subject.subjectNumber,
          quantity: row.quantity,
          dose: row.dose,
          doseReason: row.doseReason,
        }),
        reason: doseReason,
      },
      {
        action: "update",
        recordType: "pharmacy_container",
        recordId: input.containerId,
        studyId: null,
        changes: [
          { field: "remaining", oldValue: drawn.remaining + input.quantity, newValue: drawn.remaining },
        ],
        reason: `Dispensed ${input.quantity} to ${who} (${subject.protocolNumber}).`,
      },
    ]);
    return row.id;
  });
  const [view] = await presentDispensations(ctx.db, eq(pharmacyDispensations.id, id));
  if (!view) throw notFound("The dispensation");
  return withPreview(view, preview);
}
