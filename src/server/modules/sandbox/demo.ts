import type { Actor, Ctx } from "../../platform/context.js";
import { createAgreementDraft, publishAgreement } from "./agreement.js";
import type { SandboxRole } from "./schema.js";
import { sandboxUsers } from "./schema.js";

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

/** The demo sandbox: agreement version 1 in force, four people with roles, and nobody has accepted yet. */
export async function seedDemoSandbox(
  ctx: Ctx,
  staff: Actor,
  members: { userId: string; role: SandboxRole }[],
): Promise<void> {
  const staffCtx: Ctx = { ...ctx, actor: staff };
  const draft = await createAgreementDraft(staffCtx, staff, {
    title: DEMO_AGREEMENT_TITLE,
    body: DEMO_AGREEMENT_BODY,
  });
  await publishAgreement(staffCtx, staff, draft.id);
  if (members.length > 0)
    await ctx.db
      .insert(sandboxUsers)
      .values(members.map((member) => ({ userId: member.userId, role: member.role, addedBy: staff.id })));
}
