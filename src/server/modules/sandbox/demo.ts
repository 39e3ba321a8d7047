import { type Actor, actingAs, type Ctx } from "../../platform/context.js";
import { releaseRefByVersion } from "../releases/index.js";
import {
  asSeeder,
  createAgreementDraft,
  publishAgreement,
  type SandboxRole,
  seedSandboxUsers,
} from "./access/index.js";
import { addCohort, addEpoch, addEvent, createStudy, updateStudy } from "./clinical/index.js";
import { type BaselineOptions, seedSandboxBaseline } from "./data/index.js";
import { createFlag, recordDeployment, rememberBaseline } from "./operations/index.js";

export const DEMO_AGREEMENT_TITLE = "Access and Use Agreement — community development environment";

export const DEMO_AGREEMENT_BODY = [
  'The community development environment ("the sandbox") is a shared instance of our Phase 1 clinical product where you can try the newest features, give us feedback and work with other members. By accepting this agreement you confirm that you understand and will follow the points below.',
  "",
  "## What the sandbox is",
  "- **No service-level agreement.** The sandbox comes without any service-level agreement: no promised uptime, response times or support hours.",
  "- **Owned by the product team.** The product team owns and maintains the sandbox and decides what runs on it.",
  "- **For customers and development partners.** Access is for people of existing customers and development partners, added by their organisation's admin or by the product team.",
  "",
  "## Data",
  "- **Never production, sensitive or PHI data.** Do not enter real patient, volunteer or subject data, protected health information (PHI), or anything else sensitive or taken from a production system.",
  "- **Volunteer data is obfuscated.** Every volunteer record is synthetic or obfuscated; none describes a real person.",
  "- **Data may be changed or wiped at any time.** Anything in the sandbox may be changed, reset to the baseline or deleted at any time, with or without notice. Keep nothing there you cannot lose.",
  "",
  "## Builds",
  "- **Frequent deployments.** We deploy often, sometimes several times a day, and the sandbox may be unavailable while we do.",
  "- **Unreleased, untested features.** Builds may contain features that are unreleased, incomplete or not yet tested, and that may change or disappear before (or instead of) a release.",
  "",
  "## Working together",
  "- **Be respectful of a shared instance.** Other organisations use the same sandbox: do not change or remove what others built, and keep your test data tidy.",
  "- **Ask before touching what is not yours.** If you have a question about a configuration you did not make, ask the service desk (a development environment question) rather than changing it.",
].join("\n");

export const DEMO_STUDY_NORTHWIND = "NW-101";
export const DEMO_STUDY_CONTOSO = "CT-204";

/**
 * Two studies, made by their organisations' study coordinators through the study service (so the
 * sandbox audit trail starts with their creation): Northwind's NW-101, active with three epochs, two
 * cohorts and a five-visit schedule, and Contoso's CT-204, still in design with one cohort and no events.
 */
async function seedDemoStudies(ctx: Ctx, coordinators: { northwind: Actor; contoso: Actor }): Promise<void> {
  const noraCtx = actingAs(ctx, asSeeder(coordinators.northwind));
  const nw = await createStudy(noraCtx, {
    protocolNumber: DEMO_STUDY_NORTHWIND,
    title: "First-in-human single ascending dose of NWX-12",
    sponsor: "Northwind Therapeutics",
    phase: "I",
    plannedEnrolment: 16,
  });
  for (const epoch of [
    { kind: "screening", startDay: -28, endDay: -1 },
    { kind: "treatment", startDay: 1, endDay: 3 },
    { kind: "follow_up", startDay: 4, endDay: 14 },
  ] as const)
    await addEpoch(noraCtx, nw.id, epoch);
  await addCohort(noraCtx, nw.id, { name: "Cohort 1", plannedSize: 8, dose: "10 mg NWX-12 oral" });
  await addCohort(noraCtx, nw.id, { name: "Cohort 2", plannedSize: 8, dose: "30 mg NWX-12 oral" });
  for (const event of [
    { name: "Screening visit", dayOffset: -21, windowDays: 7 },
    { name: "Dosing", dayOffset: 1, windowDays: 0 },
    { name: "PK sampling", dayOffset: 2, windowDays: 0 },
    { name: "Safety follow-up", dayOffset: 7, windowDays: 1 },
    { name: "End of study visit", dayOffset: 14, windowDays: 2 },
  ])
    await addEvent(noraCtx, nw.id, event);
  await updateStudy(noraCtx, nw.id, { status: "active" });

  const coraCtx = actingAs(ctx, asSeeder(coordinators.contoso));
  const ct = await createStudy(coraCtx, {
    protocolNumber: DEMO_STUDY_CONTOSO,
    title: "Multiple ascending dose of CTX-7 in healthy volunteers",
    sponsor: "Contoso Pharma",
    phase: "Ib",
    plannedEnrolment: 24,
  });
  await addCohort(coraCtx, ct.id, { name: "Cohort A", plannedSize: 6, dose: "5 mg CTX-7 twice daily" });
}

/**
 * The demo sandbox: agreement version 1 in force, the demo people with their roles, nobody has
 * accepted yet, and, when the coordinators are given, the two demo studies.
 */
export async function seedDemoSandbox(
  ctx: Ctx,
  staff: Actor,
  members: { userId: string; role: SandboxRole }[],
  coordinators?: { northwind: Actor; contoso: Actor },
): Promise<void> {
  const staffCtx = actingAs(ctx, staff);
  const draft = await createAgreementDraft(staffCtx, {
    title: DEMO_AGREEMENT_TITLE,
    body: DEMO_AGREEMENT_BODY,
  });
  await publishAgreement(staffCtx, draft.id);
  await seedSandboxUsers(ctx.db, staff.id, members);
  if (coordinators) await seedDemoStudies(ctx, coordinators);
  await seedDemoVolunteers(ctx, staff);
  await seedDemoOperations(ctx, staff);
}

export const DEMO_VOLUNTEER_COUNT = 200;

export const DEMO_BASELINE: BaselineOptions = { volunteers: DEMO_VOLUNTEER_COUNT, studies: 0, seed: 26 };

/**
 * The demo volunteer database: 200 synthetic volunteers (fixed seed, so the same every time), written
 * by staff as the sandbox baseline and remembered as it, so a wipe brings back exactly these
 * volunteers. The hand-made studies above are not part of the baseline: a wipe removes them, and
 * their organisations import them again from their export.
 */
async function seedDemoVolunteers(ctx: Ctx, staff: Actor): Promise<void> {
  const seeder = actingAs(ctx, asSeeder(staff));
  await seedSandboxBaseline(seeder, DEMO_BASELINE);
  await rememberBaseline(seeder, DEMO_BASELINE);
}

export const DEMO_DEPLOYMENT_VERSION = "26.3-rc.1";
export const DEMO_DEPLOYMENT_BUILD = "26.3.0-build.700";

/**
 * The sandbox's operations: the `pharmacy` flag, linked to the draft 26.3 release that makes it
 * generally available, and the release candidate's deployment that switched it to preview (through the
 * deployment service, so the history, the audit log and the #announcements notice are all there).
 */
async function seedDemoOperations(ctx: Ctx, staff: Actor): Promise<void> {
  const staffCtx = actingAs(ctx, staff);
  const release = await releaseRefByVersion(ctx.db, "26.3");
  await createFlag(staffCtx, {
    key: "pharmacy",
    name: "Pharmacy preview",
    description:
      "Investigational products, lot receipts, labelled containers, dispensing to enrolled subjects and the accountability report.",
    state: "off",
    releaseId: release?.id ?? null,
  });
  await recordDeployment(staffCtx, {
    buildId: DEMO_DEPLOYMENT_BUILD,
    version: DEMO_DEPLOYMENT_VERSION,
    notes: [
      "Release candidate 1 of **26.3**.",
      "",
      "- The pharmacy preview: products, receipts, containers with labels, dispensing and accountability.",
      "- Overlapping visit windows no longer stop a study build from publishing.",
    ].join("\n"),
    flags: { pharmacy: "preview" },
  });
}
