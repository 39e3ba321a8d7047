import type { Actor, ActorCtx } from "../../platform/context.js";
import { forbidden } from "../../platform/errors.js";
import { gate, requireFeature, type SandboxRole } from "../sandbox/index.js";

type Role = SandboxRole | "staff";

/** The feature flag the pharmacy preview is shipped behind. */
export const PHARMACY_FLAG = "pharmacy";

export type PharmacyAccess = { role: Role; preview: boolean };

/**
 * The door of every pharmacy route: the sandbox gate (403), then the `pharmacy` flag (404
 * `feature_disabled` while it is off; the data stays). `preview` says whether to show the marker.
 */
export async function openPharmacy(ctx: ActorCtx): Promise<PharmacyAccess> {
  const { role } = await gate(ctx);
  const state = await requireFeature(ctx, PHARMACY_FLAG);
  return { role, preview: state === "preview" };
}

/** The door of the pharmacy's writes but dispensing: openPharmacy, then pharmacists and staff only (403). */
export async function openPharmacyForChange(ctx: ActorCtx): Promise<PharmacyAccess> {
  const access = await openPharmacy(ctx);
  const refusal = pharmacyChangeRefusal(access.role);
  if (refusal) throw forbidden(refusal);
  return access;
}

/**
 * Who changes the pharmacy (products, receipts, container moves): pharmacists of any organisation and
 * the product team. The pharmacy is shared by the whole instance, like studies; every other sandbox
 * role reads it. Returns null when allowed, else the reason to give.
 */
export function pharmacyChangeRefusal(role: Role): string | null {
  if (role === "staff" || role === "pharmacist") return null;
  return "Your development environment role can only read the pharmacy; pharmacists and the product team change it.";
}

/**
 * Who dispenses to a subject: the product team, and pharmacists of the organisation whose study the
 * subject is enrolled in. Returns null when allowed, else the reason to give.
 */
export function dispensingRefusal(
  actor: Actor,
  role: Role,
  study: { protocolNumber: string; organisationId: string },
  organisationName: string,
): string | null {
  if (role === "staff" || actor.isStaff) return null;
  if (role !== "pharmacist")
    return "Your development environment role cannot dispense; pharmacists and the product team dispense.";
  if (study.organisationId !== actor.organisationId)
    return `${study.protocolNumber} belongs to ${organisationName}: only its pharmacists and the product team dispense to its subjects.`;
  return null;
}
