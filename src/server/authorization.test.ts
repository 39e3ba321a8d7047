import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxWipes, sessions, tickets } from "./db/schema.js";
import { DEMO_PASSWORD } from "./demo/seed.js";
import { issueInvitation } from "./modules/accounts/invitations.js";
import { createOrganisation } from "./modules/accounts/organisations.js";
import { requestPasswordReset } from "./modules/accounts/password-reset.js";
import { startSession } from "./modules/accounts/sessions.js";
import { actorOf, createUser } from "./modules/accounts/users.js";
import {
  addMember,
  announcementsChannel,
  createChannel,
  openDirectMessage,
} from "./modules/chat/channels.js";
import type { PostInput } from "./modules/chat/contracts/messages.js";
import { postMessage, setPinned } from "./modules/chat/messages.js";
import { submitAccessRequest } from "./modules/desk/access-requests.js";
import { attachToTicket, openTicket } from "./modules/desk/tickets.js";
import type { GroupSettings } from "./modules/groups/contracts/groups.js";
import { createGroup } from "./modules/groups/groups.js";
import { inviteMember, joinGroup, removeMember, setRole } from "./modules/groups/members.js";
import { startTopic } from "./modules/groups/topics.js";
import { unsubscribeToken } from "./modules/groups/unsubscribe.js";
import { moveContainer } from "./modules/pharmacy/containers.js";
import { receiveLot } from "./modules/pharmacy/lots.js";
import { createProduct } from "./modules/pharmacy/products.js";
import { createDocument, updateDocument } from "./modules/projects/documents.js";
import { attachResponseFile, createRound, saveResponse } from "./modules/projects/feedback.js";
import { uploadFile } from "./modules/projects/files.js";
import { attachToPost, createPost } from "./modules/projects/posts.js";
import { addParticipant, createProject, setArchived } from "./modules/projects/projects.js";
import type { ReleaseInput } from "./modules/releases/contracts/releases.js";
import { createDraft, publishRelease } from "./modules/releases/releases.js";
import { createWebhook, enqueueDeliveries, listDeliveries } from "./modules/releases/webhooks.js";
import { currentAgreement } from "./modules/sandbox/access/access.js";
import { acceptAgreement, createAgreementDraft } from "./modules/sandbox/access/agreement.js";
import { asSeeder } from "./modules/sandbox/access/index.js";
import { addSandboxUser } from "./modules/sandbox/access/users.js";
import { assignCohort, decideEligibility, screenVolunteer } from "./modules/sandbox/clinical/enrolments.js";
import {
  addCohort,
  addEpoch,
  addEvent,
  createStudy,
  updateStudy,
} from "./modules/sandbox/clinical/studies.js";
import { createVolunteer } from "./modules/sandbox/clinical/volunteers.js";
import { prepareVolunteerImport } from "./modules/sandbox/data/imports.js";
import { createFlag } from "./modules/sandbox/operations/flags.js";
import { scheduleWipe } from "./modules/sandbox/operations/wipes.js";
import { actingAs, type Ctx } from "./platform/context.js";
import { storeFile } from "./platform/files/store.js";
import { listOutbox } from "./platform/mail/service.js";
import { hashToken } from "./platform/tokens.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "./testing/harness.js";
import { linkIn } from "./testing/smtp.js";

/**
 * Who may call what: every route of docs/API.md (and the public platform routes) against five
 * callers. "Member of the same organisation" is member@northwind.example, who opened the Northwind
 * tickets and sent the Northwind invitations used here; "member of another organisation" is
 * member@contoso.example. Every case builds the fresh resource it needs, so cases are independent.
 * In chat, the same-organisation member is the one who made the channels and wrote the messages.
 */

const roles = ["anonymous", "sameOrg", "otherOrg", "orgAdmin", "staff"] as const;
type Role = (typeof roles)[number];

const roleNames: Record<Role, string> = {
  anonymous: "anonymous",
  sameOrg: "member of the same organisation",
  otherOrg: "member of another organisation",
  orgAdmin: "org admin",
  staff: "staff",
};

const roleEmails: Record<Exclude<Role, "anonymous">, string> = {
  sameOrg: "member@northwind.example",
  otherOrg: "member@contoso.example",
  orgAdmin: "admin@northwind.example",
  staff: "staff@vendor.example",
};

type Expected = Record<Role, number>;
const everyone = (status: number): Expected => ({
  anonymous: status,
  sameOrg: status,
  otherOrg: status,
  orgAdmin: status,
  staff: status,
});
const signedIn = (status: number): Expected => ({ ...everyone(status), anonymous: 401 });
const staffOnly = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: 403,
  staff: status,
});
/** A Northwind resource the same-organisation member owns: the other organisation never learns it exists. */
const northwindResource = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: refused.orgAdmin ?? status,
  staff: status,
});

/**
 * Chat places (see freshChatPlace): who may see a private channel or a DM is decided by membership alone,
 * so the org admin (a member of the private channel, not of the DM) and staff (a member of neither)
 * are told it does not exist like anyone outside.
 */
const privateChannel = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: refused.orgAdmin ?? status,
  staff: 404,
});
const directMessage = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: 404,
  staff: 404,
});
/** In a public channel everyone signed in reads, but only its members (here the same-org member) act. */
const publicChannelMember = (status: number, allowed: { staff?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 403,
  orgAdmin: 403,
  staff: allowed.staff ?? 403,
});

type Caller = { role: Role; client: Client; email: string | null };
type Row = {
  /** "METHOD /path" exactly as docs/API.md writes it (a `POST / DELETE` line is one row per method). */
  route: string;
  /** Distinguishes rows of one route that test different permissions (e.g. PATCH of sharing vs status). */
  variant?: string;
  expected: Expected;
  call: (caller: Caller) => Promise<LightMyRequestResponse>;
};

let community: TestCommunity;
const clients = {} as Record<Role, Client>;
let seededTicketId: string;

beforeAll(async () => {
  community = await startTestCommunity();
  clients.anonymous = community.anonymous();
  for (const role of roles) {
    if (role !== "anonymous") clients[role] = await community.signIn(roleEmails[role]);
  }
  const [seeded] = await community.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, 1));
  if (!seeded) throw new Error("the demo seed has no ticket #1");
  seededTicketId = seeded.id;
});
afterAll(() => community?.close());

// --- fresh resources, built through the services so a broken route cannot break another row ---

let sequence = 0;
const unique = (label: string) => `${label}-${++sequence}`;
const people = () => community.demo.people;
const northwind = () => community.demo.organisations.northwind;
const ctxAs = (user: Parameters<typeof actorOf>[0] | null): Ctx => ({
  ...community.ctx,
  actor: user ? actorOf(user) : null,
});

async function northwindTicket(shared = true) {
  const member = people().northwindMember;
  return openTicket(actingAs(community.ctx, actorOf(member)), {
    type: "support_question",
    subject: unique("Matrix ticket"),
    description: "A ticket for the authorization matrix.",
    sharedWithOrganisation: shared,
  });
}

async function northwindAttachment() {
  const member = people().northwindMember;
  const ticket = await northwindTicket();
  return attachToTicket(actingAs(community.ctx, actorOf(member)), ticket.id, {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("attachment")),
  });
}

async function accessRequest(): Promise<string> {
  const number = await submitAccessRequest(community.ctx, {
    name: "Ada Applicant",
    email: `${unique("applicant")}@northwind.example`,
    organisation: "Northwind Research Unit",
    role: "Study nurse",
    reason: "I run the visits of our unit's studies.",
  });
  const [row] = await community.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number));
  if (!row) throw new Error(`access request #${number} was not written`);
  return row.id;
}

async function lastMailTo(email: string): Promise<string> {
  const [mail] = await listOutbox(community.db, { to: email, limit: 1 });
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail.text;
}

/** A pending invitation into Northwind, sent by the same-organisation member. */
async function northwindInvitation() {
  const email = `${unique("invitee")}@northwind.example`;
  const invitation = await issueInvitation(ctxAs(people().northwindMember), {
    email,
    organisationId: northwind().id,
  });
  return { id: invitation.id, token: linkIn(await lastMailTo(email), "/invite") };
}

async function throwawayUser() {
  return createUser(community.ctx, {
    email: `${unique("someone")}@northwind.example`,
    name: "Some One",
    password: DEMO_PASSWORD,
    organisationId: northwind().id,
  });
}

async function passwordResetToken(): Promise<string> {
  const user = await throwawayUser();
  await requestPasswordReset(community.ctx, user.email);
  return linkIn(await lastMailTo(user.email), "/reset-password");
}

async function sessionOfSameOrgMember(): Promise<string> {
  const token = await startSession(community.db, community.config, {
    userId: people().northwindMember.id,
    ip: null,
    userAgent: "authorization matrix",
  });
  const [row] = await community.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)));
  if (!row) throw new Error("session was not written");
  return row.id;
}

type ChatPlace = "public" | "private" | "dm" | "announcements";

/**
 * A fresh chat place, for the rows that change a channel or who is in it: a public or a private
 * channel created by the same-organisation member (the org admin invited into the private one), or a
 * DM of the same-organisation member with a throwaway Northwind person.
 */
async function freshChatPlace(place: Exclude<ChatPlace, "announcements">): Promise<string> {
  const member = people().northwindMember;
  if (place === "dm") {
    const other = await throwawayUser();
    return (await openDirectMessage(actingAs(community.ctx, actorOf(member)), [other.id])).id;
  }
  const channel = await createChannel(actingAs(community.ctx, actorOf(member)), {
    name: unique("matrix-channel"),
    kind: place,
    topic: "",
    description: "",
  });
  if (place === "private") {
    await addMember(actingAs(community.ctx, actorOf(member)), channel.id, people().northwindAdmin.id);
  }
  return channel.id;
}

const chatRooms = new Map<ChatPlace, Promise<string>>();
/**
 * The matrix's standing room of each kind, made once like freshChatPlace (and #announcements, the one
 * channel everybody is in, where only staff post top-level), for the rows that only read a channel or
 * add a fresh message to it: nothing a row does there changes who may do what. A fresh channel per
 * case would be as good but slow, since presenting a channel costs a query per channel one is in.
 */
function chatRoom(place: ChatPlace): Promise<string> {
  let room = chatRooms.get(place);
  if (!room) {
    room =
      place === "announcements"
        ? announcementsChannel(community.db).then((channel) => channel.id)
        : freshChatPlace(place);
    chatRooms.set(place, room);
  }
  return room;
}

/** A fresh top-level message in a standing room, by the same-organisation member (by staff in #announcements). */
async function chatMessage(place: ChatPlace, extra: Partial<PostInput> = {}) {
  const author = place === "announcements" ? people().staff : people().northwindMember;
  const { message } = await postMessage(actingAs(community.ctx, actorOf(author)), await chatRoom(place), {
    clientId: randomUUID(),
    body: unique("Matrix message"),
    ...extra,
  });
  return message;
}

async function pinnedChatMessage(place: ChatPlace) {
  const author = place === "announcements" ? people().staff : people().northwindMember;
  const message = await chatMessage(place);
  return setPinned(actingAs(community.ctx, actorOf(author)), message.id, true);
}

/** The download address of a file the same-organisation member sent in a fresh message. */
async function chatAttachmentUrl(place: ChatPlace): Promise<string> {
  const member = people().northwindMember;
  const file = await storeFile(ctxAs(member), {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("chat attachment")),
    field: "file",
  });
  const [attachment] = (await chatMessage(place, { attachmentIds: [file.id] })).attachments;
  if (!attachment) throw new Error("the chat attachment was not linked");
  return attachment.url;
}

const postTo = (client: Client, channelId: string, extra: Partial<PostInput> = {}) =>
  client.post(`/api/chat/channels/${channelId}/messages`, {
    clientId: randomUUID(),
    body: unique("Matrix post"),
    ...extra,
  });

const thumbsUp = encodeURIComponent("👍");

const asStaff = () => ({ ctx: ctxAs(people().staff), actor: actorOf(people().staff) });
const asStaffCtx = () => actingAs(community.ctx, actorOf(people().staff));

const releaseInput = (): ReleaseInput => ({
  version: `90.${++sequence}`,
  title: "Matrix release",
  releaseDate: "2026-06-01",
  notes: "Release notes for the authorization matrix.",
  features: [{ title: "A feature", module: "Pharmacy", availability: "preview", description: "" }],
});

const releaseDraft = () => createDraft(asStaffCtx(), releaseInput());

async function publishedRelease() {
  return publishRelease(asStaffCtx(), (await releaseDraft()).id);
}

/** Port 9 refuses at once, so the deliveries the matrix causes fail fast and quietly. */
const matrixWebhook = () =>
  createWebhook(asStaffCtx(), {
    name: unique("Matrix webhook"),
    url: "http://127.0.0.1:9/",
  });

async function webhookDelivery(): Promise<string> {
  const webhook = await matrixWebhook();
  await enqueueDeliveries(asStaff().ctx, {
    event: "release.published",
    releaseId: null,
    payload: { text: "matrix" },
  });
  const [delivery] = await listDeliveries(community.db, webhook.id);
  if (!delivery) throw new Error("no delivery was queued");
  return delivery.id;
}

// Sandbox: user management needs an accepted agreement, and a matrix row may have published a new one.

async function agreementId(): Promise<string> {
  const agreement = await currentAgreement(community.db);
  if (!agreement) throw new Error("the demo seed published no sandbox agreement");
  return agreement.id;
}

/** The caller accepts the agreement in force, so a row tests the role rule and not the agreement. */
async function acceptAs(email: string | null): Promise<void> {
  const person = Object.values(people()).find((p) => p.email === email);
  if (!person) return;
  await acceptAgreement(actingAs(ctxAs(person), actorOf(person)), await agreementId(), "matrix");
}

const sandboxAgreementDraft = () =>
  createAgreementDraft(asStaffCtx(), { title: unique("Matrix agreement"), body: "Text." });

/** A fresh sandbox user in Northwind (or Contoso), added by staff. */
async function sandboxUser(organisation: "northwind" | "contoso" = "northwind"): Promise<string> {
  const user = await createUser(community.ctx, {
    email: `${unique("sandboxer")}@${organisation}.example`,
    name: "Sandy Boxer",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations[organisation].id,
  });
  await acceptAs(people().staff.email);
  await addSandboxUser(asStaffCtx(), { userId: user.id, role: "investigator" });
  return user.id;
}

/** Only staff and an org admin manage sandbox users; plain members are refused whatever their role. */
const sandboxManagers = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: refused.orgAdmin ?? status,
  staff: status,
});

/**
 * Studies: every sandbox user reads (all four signed-in callers are sandbox users); the Northwind org
 * admin is Northwind's study coordinator, the same-organisation member an investigator (reads only), the
 * Contoso member Contoso's coordinator (adds Contoso studies, cannot change Northwind's).
 */
const sandboxReaders = (status: number): Expected => signedIn(status);
const northwindStudyWriters = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: status,
  staff: status,
});

/**
 * Volunteers: every sandbox user reads; staff, study coordinators (the Northwind org admin, the Contoso
 * member) and recruiters write, the investigator (same-organisation member) only reads.
 */
const volunteerWriters = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: status,
  orgAdmin: status,
  staff: status,
});

const matrixVolunteerInput = () => ({
  firstName: "Matty",
  lastName: "Matrix",
  sex: "male" as const,
  dateOfBirth: "1990-05-17",
  email: "matty.matrix@example.com",
  region: "Texas, US",
  heightCm: 180,
  weightKg: 75,
});

const matrixImportCsv = () =>
  Buffer.from(
    "first_name,last_name,sex,date_of_birth,height_cm,weight_kg,region\nMatty,Matrix,male,1990-05-17,180,75,Texas\n",
  );

/** A finished one-row import run by the person with this e-mail, as server code (no agreement needed). */
async function matrixImport(email: string | null): Promise<string> {
  const person = Object.values(people()).find((p) => p.email === email);
  if (!person) throw new Error(`no demo person ${email}`);
  const importer = asSeeder(actorOf(person));
  const prepared = await prepareVolunteerImport(actingAs(ctxAs(person), importer), {
    filename: "matrix.csv",
    data: matrixImportCsv(),
  });
  return (await prepared.run()).id;
}

/** Cancels any scheduled wipe, so a case can schedule one. */
async function clearPendingWipes(): Promise<void> {
  await community.db
    .update(sandboxWipes)
    .set({ status: "cancelled" })
    .where(inArray(sandboxWipes.status, ["scheduled", "running"]));
}

/** An export file with one fresh study design, as GET /api/sandbox/studies/export writes it. */
const matrixStudyExport = () => ({
  format: "convene-studies/1",
  exportedAt: new Date().toISOString(),
  organisation: { id: community.demo.organisations.northwind.id, name: "Northwind" },
  studies: [
    {
      protocolNumber: unique("MXI").toUpperCase(),
      title: "Matrix import",
      sponsor: "Matrix Pharma",
      phase: "I",
      plannedEnrolment: 8,
      epochs: [{ kind: "treatment", startDay: 1, endDay: 3 }],
      cohorts: [{ name: "Cohort 1", plannedSize: 4, dose: "1 mg" }],
      events: [{ name: "Dosing", dayOffset: 1, windowDays: 0 }],
    },
  ],
});

/** A fresh prospect volunteer, added by staff. */
async function matrixVolunteer(): Promise<string> {
  const seeder = asSeeder(asStaff().actor);
  const volunteer = await createVolunteer(actingAs(asStaff().ctx, seeder), matrixVolunteerInput());
  return volunteer.id;
}

/** A fresh Northwind study in design with one epoch, cohort and event, made by its coordinator. */
async function northwindStudy() {
  const nora = asSeeder(actorOf(people().northwindAdmin));
  const ctx = { ...ctxAs(people().northwindAdmin), actor: nora };
  const study = await createStudy(ctx, {
    protocolNumber: unique("MX").toUpperCase(),
    title: "Matrix study",
    sponsor: "Matrix Pharma",
    phase: "I",
    plannedEnrolment: 8,
  });
  await addEpoch(ctx, study.id, { kind: "treatment", startDay: 1, endDay: 3 });
  await addCohort(ctx, study.id, { name: "Cohort 1", plannedSize: 4, dose: "1 mg" });
  const full = await addEvent(ctx, study.id, { name: "Dosing", dayOffset: 1, windowDays: 0 });
  const [epoch] = full.epochs;
  const [cohort] = full.cohorts;
  const [event] = full.events;
  if (!epoch || !cohort || !event) throw new Error("the matrix study has no design");
  return { id: study.id, epochId: epoch.id, cohortId: cohort.id, eventId: event.id };
}

/**
 * Enrolment: every sandbox user reads; staff and the owning organisation's coordinators, investigators
 * and recruiters write, so on a Northwind study the same-organisation member (an investigator) and the
 * org admin (the coordinator) pass and the Contoso coordinator is refused.
 */
const northwindEnrolmentWriters = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 403,
  orgAdmin: status,
  staff: status,
});

/** A fresh Northwind study (see northwindStudy), made active by its coordinator. */
async function activeNorthwindStudy() {
  const study = await northwindStudy();
  const nora = asSeeder(actorOf(people().northwindAdmin));
  await updateStudy(actingAs(ctxAs(people().northwindAdmin), nora), study.id, { status: "active" });
  return study;
}

/** A fresh volunteer's enrolment in a fresh active Northwind study, taken to `stage` by its coordinator. */
async function northwindEnrolment(
  stage: "screening" | "eligible" | "enrolled",
): Promise<{ id: string; cohortId: string }> {
  const study = await activeNorthwindStudy();
  const nora = asSeeder(actorOf(people().northwindAdmin));
  const ctx = { ...ctxAs(people().northwindAdmin), actor: nora };
  const volunteerId = await matrixVolunteer();
  const { id } = await screenVolunteer(ctx, study.id, { volunteerId, screeningDate: "2025-01-06" });
  if (stage !== "screening") await decideEligibility(ctx, id, { eligible: true });
  if (stage === "enrolled")
    await assignCohort(ctx, id, { cohortId: study.cohortId, dosingStart: "2025-02-03" });
  return { id, cohortId: study.cohortId };
}

const nameOf = (role: Role) =>
  role === "anonymous"
    ? "Nobody"
    : {
        sameOrg: "Ned Member",
        otherOrg: "Cora Member",
        orgAdmin: "Nora Admin",
        staff: "Sam Staff",
      }[role];

// --- the matrix ---

/**
 * Pharmacy preview: every sandbox user reads; pharmacists (of any organisation) and staff write, and
 * none of the matrix's customers is a pharmacist, so each is refused by the role rule (pharmacists
 * are tested in modules/pharmacy). Dispensing to a Northwind subject is staff's here for the same reason.
 */
const pharmacyWriters = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: 403,
  staff: status,
});

/** A fresh product with one lot of 10 units in one container, moved on to `status` by staff. */
async function pharmacyContainer(status: "receipt" | "storage" | "dispense" = "receipt") {
  const ctx = actingAs(community.ctx, asSeeder(actorOf(people().staff)));
  const product = await createProduct(ctx, {
    name: unique("Matrix product"),
    form: "tablet",
    strength: "1 mg",
    units: "tablet",
    defaultDose: "1 mg",
    storageNotes: "",
  });
  const expiry = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  const lot = await receiveLot(ctx, product.id, {
    lotNumber: "MX-1",
    quantity: 10,
    expiry,
    containers: 1,
  });
  const [container] = lot.containers;
  if (!container) throw new Error("the matrix lot has no container");
  const moves = { receipt: [], storage: ["storage"], dispense: ["storage", "dispense"] } as const;
  for (const to of moves[status]) await moveContainer(ctx, container.id, to);
  return { productId: product.id, lotId: lot.id, containerId: container.id };
}

// Collaboration projects: a fresh project per case, made by staff, with Northwind taking part whole;
// Contoso (the other organisation) is not in it and is told it does not exist.

/** Everyone in the project (both Northwind callers) and staff; anyone else is told it does not exist. */
const projectParticipantsOnly = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: refused.orgAdmin ?? status,
  staff: status,
});
/** A staff-only item: every customer, in the project or not, is told it does not exist. */
const staffOnlyItem = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 404,
  otherOrg: 404,
  orgAdmin: 404,
  staff: status,
});

async function matrixProject(options: { archived?: boolean } = {}) {
  const { ctx, actor } = asStaff();
  const project = await createProject(actingAs(ctx, actor), {
    name: unique("Matrix project"),
    purpose: "A project for the authorization matrix.",
    startsOn: "2026-04-01",
  });
  const participant = await addParticipant(actingAs(ctx, actor), project.id, {
    organisationId: northwind().id,
  });
  if (options.archived) await setArchived(actingAs(ctx, actor), project.id, true);
  return { projectId: project.id, participantId: participant.id };
}

/** A fresh post in a fresh project: by the same-organisation member, or a staff-only one by staff. */
async function matrixPost(visibility: "project" | "staff" = "project") {
  const { projectId } = await matrixProject();
  const author = visibility === "staff" ? people().staff : people().northwindMember;
  const post = await createPost(actingAs(ctxAs(author), actorOf(author)), projectId, {
    category: "question",
    title: unique("Matrix post"),
    body: "A post for the authorization matrix.",
    visibility,
  });
  return { projectId, postId: post.id, path: `/api/projects/${projectId}/posts/${post.id}`, author };
}

async function matrixPostAttachmentUrl(visibility: "project" | "staff" = "project") {
  const { projectId, postId, author } = await matrixPost(visibility);
  const attachment = await attachToPost(actingAs(ctxAs(author), actorOf(author)), projectId, postId, {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("project attachment")),
  });
  return attachment.url;
}

/** The harness client has no PUT; this sends one as the caller would. */
const putAs = (client: Client, url: string, body: unknown) =>
  community.app.inject({
    method: "PUT",
    url,
    headers: {
      ...(client.cookie ? { cookie: client.cookie } : {}),
      "x-convene-csrf": "1",
      origin: TEST_ORIGIN,
    },
    payload: body as object,
  });

/** A fresh document in a fresh project, by the same-organisation member (or a staff-only one by staff). */
async function matrixDocument(
  visibility: "project" | "staff" = "project",
  options: { versions?: number } = {},
) {
  const { projectId } = await matrixProject();
  const author = visibility === "staff" ? people().staff : people().northwindMember;
  const ctx = ctxAs(author);
  const document = await createDocument(actingAs(ctx, actorOf(author)), projectId, {
    title: unique("Matrix document"),
    body: "Version 1.",
    visibility,
  });
  for (let version = 2; version <= (options.versions ?? 1); version++) {
    await updateDocument(actingAs(ctx, actorOf(author)), projectId, document.id, {
      title: document.title,
      body: `Version ${version}.`,
      baseVersion: version - 1,
    });
  }
  return { projectId, path: `/api/projects/${projectId}/documents/${document.id}` };
}

/** A fresh file at the top level of a fresh project, by the same-organisation member (or staff-only, by staff). */
async function matrixFile(visibility: "project" | "staff" = "project") {
  const { projectId } = await matrixProject();
  const author = visibility === "staff" ? people().staff : people().northwindMember;
  const file = await uploadFile(
    actingAs(ctxAs(author), actorOf(author)),
    projectId,
    { filename: "matrix.txt", contentType: "text/plain", data: Buffer.from(unique("project file")) },
    { visibility },
  );
  return { projectId, path: `/api/projects/${projectId}/files/${file.id}` };
}

/** A fresh open feedback round in a fresh project, with three questions (organisation scope unless asked). */
async function matrixRound(scope: "organisation" | "person" = "organisation") {
  const { projectId } = await matrixProject();
  const { ctx, actor } = asStaff();
  const round = await createRound(actingAs(ctx, actor), projectId, {
    title: unique("Matrix round"),
    description: "A round for the authorization matrix.",
    questions: [
      { kind: "rating", prompt: "How easy?", required: true },
      { kind: "choice", prompt: "Which first?", options: ["Receipt", "Dispensing"], required: false },
      { kind: "text", prompt: "What is missing?", required: false },
    ],
    opensAt: new Date(Date.now() - 60_000),
    closesAt: new Date(Date.now() + 86_400_000),
    answerScope: scope,
  });
  return { projectId, roundId: round.id, path: `/api/projects/${projectId}/rounds/${round.id}` };
}

/** A fresh round answered by a Northwind caller, who also attached a file to the answer. */
async function matrixAnswer(
  respondentKey: "northwindMember" | "northwindAdmin" = "northwindMember",
  scope: "organisation" | "person" = "organisation",
) {
  const { projectId, roundId, path } = await matrixRound(scope);
  const respondent = people()[respondentKey];
  const ctx = ctxAs(respondent);
  const response = await saveResponse(actingAs(ctx, actorOf(respondent)), projectId, roundId, {
    answers: { q1: 4 },
  });
  const file = await attachResponseFile(actingAs(ctx, actorOf(respondent)), projectId, roundId, {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("answer file")),
  });
  return { path, responseId: response.id, fileUrl: file.url };
}

/** Both Northwind callers answer a round; staff read answers but never give them (403). */
const roundParticipants = (status: number): Expected => ({ ...projectParticipantsOnly(status), staff: 403 });

/**
 * Groups (see matrixGroup): rights come from membership only. The same-organisation member owns the
 * group, the member of another organisation moderates it, the org admin is a plain member and staff
 * are not in it, so staff are refused like any outsider.
 */
const groupMember = (status: number): Expected => ({ ...signedIn(status), staff: 403 });
const groupModerator = (status: number): Expected => ({ ...groupMember(status), orgAdmin: 403 });
const groupOwner = (status: number): Expected => ({ ...groupModerator(status), otherOrg: 403 });

/** A fresh group as groupMember describes it; optionally with the org admin banned, or a throwaway member. */
async function matrixGroup(
  settings: Partial<GroupSettings> = {},
  extra: { banMember?: boolean; extraMember?: boolean; banExtra?: boolean } = {},
) {
  const { northwindMember: owner, contosoMember: moderator, northwindAdmin: member } = people();
  const handle = unique("mx-group");
  const group = await createGroup(actingAs(community.ctx, actorOf(owner)), {
    handle,
    name: "Matrix group",
    ...settings,
  });
  // Invited first, so they join whatever the visibility and join policy.
  for (const person of [moderator, member]) {
    await inviteMember(actingAs(community.ctx, actorOf(owner)), handle, person.email);
    await joinGroup(actingAs(community.ctx, actorOf(person)), handle);
  }
  await setRole(actingAs(community.ctx, actorOf(owner)), handle, moderator.id, "moderator");
  const ban = (userId: string, reason: string) =>
    removeMember(actingAs(community.ctx, actorOf(owner)), handle, userId, { status: "banned", reason });
  if (extra.banMember) await ban(member.id, "Matrix ban");
  let outsiderId = "";
  if (extra.extraMember) {
    const person = await throwawayUser();
    await joinGroup(actingAs(community.ctx, actorOf(person)), handle);
    outsiderId = person.id;
    if (extra.banExtra) await ban(person.id, "Matrix ban");
  }
  return { handle, id: group.id, path: `/api/groups/${handle}`, outsiderId };
}

/** The org admin's unsubscribe link token for a fresh group (they are a plain member of it). */
async function matrixUnsubscribeToken(): Promise<string> {
  const group = await matrixGroup();
  return unsubscribeToken(community.config, group.id, people().northwindAdmin.id);
}

/** A fresh group with a topic the org admin started (pending in a moderated group), with a file and #matrix. */
async function matrixTopic(settings: Partial<GroupSettings> = {}) {
  const group = await matrixGroup(settings);
  const member = people().northwindAdmin;
  const { message } = await startTopic(actingAs(community.ctx, actorOf(member)), group.id, {
    subject: "Matrix topic",
    body: "A topic for the matrix #matrix",
    source: "web",
    attachments: [
      { filename: "matrix.txt", contentType: "text/plain", data: Buffer.from(unique("group file")) },
    ],
  });
  const [attachment] = message.attachments;
  if (!attachment) throw new Error("the group attachment was not linked");
  return { ...group, topicId: message.topicId, messageId: message.id, attachmentUrl: attachment.url };
}

const rows: Row[] = [
  // Platform
  { route: "GET /api/health", expected: everyone(200), call: ({ client }) => client.get("/api/health") },
  {
    route: "GET /api/openapi.json",
    expected: everyone(200),
    call: ({ client }) => client.get("/api/openapi.json"),
  },
  {
    route: "POST /api/markdown/preview",
    expected: signedIn(200),
    call: ({ client }) => client.post("/api/markdown/preview", { markdown: "**Matrix**" }),
  },

  // Accounts
  {
    route: "POST /api/auth/login",
    expected: everyone(200),
    call: ({ client, email }) =>
      client.post("/api/auth/login", { email: email ?? "dev@fabrikam.example", password: DEMO_PASSWORD }),
  },
  {
    route: "POST /api/auth/logout",
    expected: signedIn(204),
    call: async ({ client, email }) => {
      const fresh = email ? await community.signIn(email) : client;
      return fresh.post("/api/auth/logout");
    },
  },
  { route: "GET /api/me", expected: signedIn(200), call: ({ client }) => client.get("/api/me") },
  {
    route: "PATCH /api/me",
    expected: signedIn(200),
    call: ({ client, role }) => client.patch("/api/me", { name: nameOf(role) }),
  },
  {
    route: "POST /api/me/password",
    expected: signedIn(204),
    call: ({ client }) =>
      client.post("/api/me/password", { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD }),
  },
  {
    route: "GET /api/me/sessions",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/me/sessions"),
  },
  {
    route: "DELETE /api/me/sessions/:id",
    variant: "a session of the same-organisation member",
    // Only one's own sessions: neither the org admin nor staff end someone else's here.
    expected: { anonymous: 401, sameOrg: 204, otherOrg: 404, orgAdmin: 404, staff: 404 },
    call: async ({ client }) => client.delete(`/api/me/sessions/${await sessionOfSameOrgMember()}`),
  },
  {
    route: "POST /api/me/totp/setup",
    expected: signedIn(200),
    call: ({ client }) => client.post("/api/me/totp/setup"),
  },
  {
    route: "POST /api/me/totp/enable",
    expected: signedIn(204),
    call: async ({ client, role }) => {
      if (role === "anonymous") return client.post("/api/me/totp/enable", { code: "123456" });
      const { secret } = (await client.post("/api/me/totp/setup")).json();
      const response = await client.post("/api/me/totp/enable", { code: await generate({ secret }) });
      // Back to password-only sign-in for the rest of the file.
      await client.post("/api/me/totp/disable", { password: DEMO_PASSWORD });
      return response;
    },
  },
  {
    route: "POST /api/me/totp/disable",
    expected: signedIn(204),
    call: ({ client }) => client.post("/api/me/totp/disable", { password: DEMO_PASSWORD }),
  },
  {
    route: "POST /api/auth/password-reset",
    expected: everyone(202),
    call: ({ client }) =>
      client.post("/api/auth/password-reset", { email: `${unique("who")}@northwind.example` }),
  },
  {
    route: "GET /api/auth/password-reset/:token",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/auth/password-reset/${await passwordResetToken()}`),
  },
  {
    route: "POST /api/auth/password-reset/:token",
    expected: everyone(204),
    call: async ({ client }) =>
      client.post(`/api/auth/password-reset/${await passwordResetToken()}`, { password: "a-fresh-password" }),
  },
  {
    route: "POST /api/access-requests",
    expected: everyone(202),
    call: ({ client }) =>
      client.post("/api/access-requests", {
        name: "Ada Applicant",
        email: `${unique("applicant")}@example.org`,
        organisation: "Example Hospital",
        role: "Pharmacist",
        reason: "I want to try the pharmacy preview with our team.",
      }),
  },
  {
    route: "GET /api/invitations/:token",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/invitations/${(await northwindInvitation()).token}`),
  },
  {
    route: "POST /api/invitations/:token/accept",
    expected: everyone(200),
    call: async ({ client }) =>
      client.post(`/api/invitations/${(await northwindInvitation()).token}/accept`, {
        name: "New Colleague",
        password: "a-fresh-password",
      }),
  },
  {
    route: "POST /api/invitations",
    variant: "into Northwind",
    // A member invites only into their own organisation; staff into any.
    expected: { anonymous: 401, sameOrg: 201, otherOrg: 403, orgAdmin: 201, staff: 201 },
    call: ({ client }) =>
      client.post("/api/invitations", {
        email: `${unique("colleague")}@northwind.example`,
        organisationId: northwind().id,
      }),
  },
  {
    route: "GET /api/invitations",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/invitations"),
  },
  {
    route: "POST /api/invitations/:id/revoke",
    variant: "sent by the same-organisation member",
    expected: northwindResource(200),
    call: async ({ client }) => client.post(`/api/invitations/${(await northwindInvitation()).id}/revoke`),
  },

  // Administration
  {
    route: "GET /api/admin/organisations",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/organisations"),
  },
  {
    route: "POST /api/admin/organisations",
    expected: staffOnly(201),
    call: ({ client }) => {
      const name = unique("matrix-org");
      return client.post("/api/admin/organisations", {
        name,
        kind: "customer",
        domains: [`${name}.example`],
      });
    },
  },
  {
    route: "PATCH /api/admin/organisations/:id",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const name = unique("matrix-org");
      const organisation = await createOrganisation(community.ctx, {
        name,
        kind: "customer",
        domains: [`${name}.example`],
      });
      return client.patch(`/api/admin/organisations/${organisation.id}`, { name: `${name} renamed` });
    },
  },
  {
    route: "GET /api/admin/users",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/users"),
  },
  {
    route: "PATCH /api/admin/users/:id",
    variant: "a Northwind member",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/users/${(await throwawayUser()).id}`, { isOrgAdmin: true }),
  },
  {
    route: "GET /api/admin/audit",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/audit"),
  },
  {
    route: "GET /api/admin/mail",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/mail"),
  },

  // Service desk
  {
    route: "GET /api/desk/tickets",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/desk/tickets"),
  },
  {
    route: "POST /api/desk/tickets",
    expected: signedIn(201),
    call: ({ client }) =>
      client.post("/api/desk/tickets", {
        type: "product_feedback",
        subject: unique("Matrix feedback"),
        description: "More keyboard shortcuts, please.",
      }),
  },
  {
    route: "GET /api/desk/tickets/:id",
    variant: "ticket #1, shared with Northwind",
    expected: northwindResource(200),
    call: ({ client }) => client.get(`/api/desk/tickets/${seededTicketId}`),
  },
  {
    route: "GET /api/desk/tickets/:id",
    variant: "not shared",
    // A colleague, even the org admin, sees only what the requester shared.
    expected: northwindResource(200, { orgAdmin: 404 }),
    call: async ({ client }) => client.get(`/api/desk/tickets/${(await northwindTicket(false)).id}`),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "sharing",
    // Sharing is the requester's decision (or staff's); a colleague who sees the ticket may not change it.
    expected: northwindResource(200, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { sharedWithOrganisation: false }),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "status",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 200 },
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { status: "open" }),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "assignee",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 200 },
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { assigneeId: people().staff.id }),
  },
  {
    route: "POST /api/desk/tickets/:id/comments",
    variant: "public reply",
    expected: northwindResource(201),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${(await northwindTicket()).id}/comments`, { body: "A public reply." }),
  },
  {
    route: "POST /api/desk/tickets/:id/comments",
    variant: "internal note",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 201 },
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${(await northwindTicket()).id}/comments`, {
        body: "An internal note.",
        internal: true,
      }),
  },
  {
    route: "POST /api/desk/tickets/:id/attachments",
    expected: northwindResource(201),
    call: async ({ client }) =>
      client.upload(`/api/desk/tickets/${(await northwindTicket()).id}/attachments`, {
        filename: "steps.txt",
        contentType: "text/plain",
        data: Buffer.from("1. Open the study\n2. Publish\n"),
      }),
  },
  {
    route: "GET /api/desk/attachments/:id",
    expected: northwindResource(200),
    call: async ({ client }) => client.get((await northwindAttachment()).url),
  },
  {
    route: "POST /api/desk/tickets/:id/watch",
    expected: northwindResource(200),
    call: async ({ client }) => client.post(`/api/desk/tickets/${(await northwindTicket()).id}/watch`),
  },
  {
    route: "DELETE /api/desk/tickets/:id/watch",
    expected: northwindResource(200),
    call: async ({ client }) => client.delete(`/api/desk/tickets/${(await northwindTicket()).id}/watch`),
  },
  {
    route: "POST /api/desk/tickets/:id/approve",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${await accessRequest()}/approve`, { organisationId: northwind().id }),
  },
  {
    route: "POST /api/desk/tickets/:id/decline",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${await accessRequest()}/decline`, {
        reason: "We cannot verify your role.",
      }),
  },
  {
    route: "GET /api/desk/staff",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/desk/staff"),
  },

  // Chat (the WebSocket /api/ws is hidden from OpenAPI and tested over a real socket in chat.test.ts)
  {
    route: "GET /api/chat/channels",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/channels"),
  },
  {
    route: "POST /api/chat/channels",
    // Members create channels too unless CHAT_MEMBERS_CREATE_CHANNELS=false (the default is true).
    expected: signedIn(201),
    call: ({ client }) => client.post("/api/chat/channels", { name: unique("matrix-new"), kind: "public" }),
  },
  {
    route: "PATCH /api/chat/channels/:id",
    variant: "public channel",
    // The creator or staff; others who see it are told no.
    expected: publicChannelMember(200, { staff: 200 }),
    call: async ({ client }) =>
      client.patch(`/api/chat/channels/${await freshChatPlace("public")}`, {
        topic: "Renamed by the matrix",
      }),
  },
  {
    route: "PATCH /api/chat/channels/:id",
    variant: "private channel",
    // A member who is not the creator may not change it; staff outside it do not see it at all.
    expected: privateChannel(200, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.patch(`/api/chat/channels/${await freshChatPlace("private")}`, {
        topic: "Renamed by the matrix",
      }),
  },
  {
    route: "PATCH /api/chat/channels/:id",
    variant: "#announcements",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/chat/channels/${await chatRoom("announcements")}`, {
        topic: "Release announcements from the product team",
      }),
  },
  {
    route: "POST /api/chat/channels/:id/join",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("public")}/join`),
  },
  {
    route: "POST /api/chat/channels/:id/join",
    variant: "private channel",
    // Joined by invitation only: its members are told no, everyone else that it does not exist.
    expected: privateChannel(403),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("private")}/join`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "public channel",
    expected: signedIn(204),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("public")}/leave`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "private channel",
    expected: privateChannel(204),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("private")}/leave`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "direct message",
    expected: directMessage(204),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("dm")}/leave`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "#announcements",
    // Everyone stays in #announcements, staff included.
    expected: signedIn(403),
    call: async ({ client }) => client.post(`/api/chat/channels/${await chatRoom("announcements")}/leave`),
  },
  {
    route: "GET /api/chat/channels/:id/members",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("public")}/members`),
  },
  {
    route: "GET /api/chat/channels/:id/members",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("private")}/members`),
  },
  {
    route: "GET /api/chat/channels/:id/members",
    variant: "direct message",
    expected: directMessage(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("dm")}/members`),
  },
  {
    route: "POST /api/chat/channels/:id/members",
    variant: "public channel",
    // Its members or staff bring someone in.
    expected: publicChannelMember(200, { staff: 200 }),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await freshChatPlace("public")}/members`, {
        userId: (await throwawayUser()).id,
      }),
  },
  {
    route: "POST /api/chat/channels/:id/members",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await freshChatPlace("private")}/members`, {
        userId: (await throwawayUser()).id,
      }),
  },
  {
    route: "POST /api/chat/channels/:id/members",
    variant: "direct message",
    // A DM's people are fixed: a new set of people is a new DM.
    expected: directMessage(403),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await freshChatPlace("dm")}/members`, {
        userId: (await throwawayUser()).id,
      }),
  },
  {
    route: "POST /api/chat/dms",
    expected: signedIn(200),
    call: async ({ client }) => client.post("/api/chat/dms", { userIds: [(await throwawayUser()).id] }),
  },
  {
    route: "GET /api/chat/channels/:id/messages",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("public")}/messages`),
  },
  {
    route: "GET /api/chat/channels/:id/messages",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("private")}/messages`),
  },
  {
    route: "GET /api/chat/channels/:id/messages",
    variant: "direct message",
    expected: directMessage(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("dm")}/messages`),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "public channel",
    // Reading is open, posting takes joining first: staff too.
    expected: publicChannelMember(201),
    call: async ({ client }) => postTo(client, await chatRoom("public")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "reply in a public channel's thread",
    expected: publicChannelMember(201),
    call: async ({ client }) => {
      const root = await chatMessage("public");
      return postTo(client, root.channelId, { threadRootId: root.id });
    },
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "private channel",
    expected: privateChannel(201),
    call: async ({ client }) => postTo(client, await chatRoom("private")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "direct message",
    expected: directMessage(201),
    call: async ({ client }) => postTo(client, await chatRoom("dm")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "#announcements, top-level",
    expected: staffOnly(201),
    call: async ({ client }) => postTo(client, await chatRoom("announcements")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "#announcements, reply in a thread",
    expected: signedIn(201),
    call: async ({ client }) => {
      const root = await chatMessage("announcements");
      return postTo(client, root.channelId, { threadRootId: root.id });
    },
  },
  {
    route: "GET /api/chat/messages/:id/thread",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/messages/${(await chatMessage("public")).id}/thread`),
  },
  {
    route: "GET /api/chat/messages/:id/thread",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/messages/${(await chatMessage("private")).id}/thread`),
  },
  {
    route: "PATCH /api/chat/messages/:id",
    variant: "public channel",
    // Only the author edits; everyone else who sees the message is told no.
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.patch(`/api/chat/messages/${(await chatMessage("public")).id}`, { body: "Edited." }),
  },
  {
    route: "PATCH /api/chat/messages/:id",
    variant: "private channel",
    expected: privateChannel(200, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.patch(`/api/chat/messages/${(await chatMessage("private")).id}`, { body: "Edited." }),
  },
  {
    route: "DELETE /api/chat/messages/:id",
    variant: "public channel",
    expected: publicChannelMember(204, { staff: 204 }),
    call: async ({ client }) => client.delete(`/api/chat/messages/${(await chatMessage("public")).id}`),
  },
  {
    route: "DELETE /api/chat/messages/:id",
    variant: "private channel",
    // Staff delete what they can see; a private channel they are not in they cannot.
    expected: privateChannel(204, { orgAdmin: 403 }),
    call: async ({ client }) => client.delete(`/api/chat/messages/${(await chatMessage("private")).id}`),
  },
  {
    route: "POST /api/chat/messages/:id/reactions",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("public")).id}/reactions`, { emoji: "👍" }),
  },
  {
    route: "POST /api/chat/messages/:id/reactions",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("private")).id}/reactions`, { emoji: "👍" }),
  },
  {
    route: "POST /api/chat/messages/:id/reactions",
    variant: "#announcements",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("announcements")).id}/reactions`, {
        emoji: "👍",
      }),
  },
  {
    route: "DELETE /api/chat/messages/:id/reactions/:emoji",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await chatMessage("public")).id}/reactions/${thumbsUp}`),
  },
  {
    route: "DELETE /api/chat/messages/:id/reactions/:emoji",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await chatMessage("private")).id}/reactions/${thumbsUp}`),
  },
  {
    route: "DELETE /api/chat/messages/:id/reactions/:emoji",
    variant: "#announcements",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await chatMessage("announcements")).id}/reactions/${thumbsUp}`),
  },
  {
    route: "POST /api/chat/messages/:id/pin",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("public")).id}/pin`),
  },
  {
    route: "POST /api/chat/messages/:id/pin",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("private")).id}/pin`),
  },
  {
    route: "POST /api/chat/messages/:id/pin",
    variant: "#announcements",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("announcements")).id}/pin`),
  },
  {
    route: "DELETE /api/chat/messages/:id/pin",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await pinnedChatMessage("public")).id}/pin`),
  },
  {
    route: "DELETE /api/chat/messages/:id/pin",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await pinnedChatMessage("private")).id}/pin`),
  },
  {
    route: "DELETE /api/chat/messages/:id/pin",
    variant: "#announcements",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await pinnedChatMessage("announcements")).id}/pin`),
  },
  {
    route: "GET /api/chat/channels/:id/pins",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("public")}/pins`),
  },
  {
    route: "GET /api/chat/channels/:id/pins",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("private")}/pins`),
  },
  {
    route: "POST /api/chat/channels/:id/read",
    variant: "public channel",
    // Read markers are kept for members only.
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await chatRoom("public")}/read`, { seq: 0 }),
  },
  {
    route: "POST /api/chat/channels/:id/read",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await chatRoom("private")}/read`, { seq: 0 }),
  },
  {
    route: "POST /api/chat/channels/:id/read",
    variant: "#announcements",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await chatRoom("announcements")}/read`, { seq: 0 }),
  },
  {
    route: "POST /api/chat/uploads",
    expected: signedIn(201),
    call: ({ client }) =>
      client.upload("/api/chat/uploads", {
        filename: "notes.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("upload")),
      }),
  },
  {
    route: "GET /api/chat/attachments/:id",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(await chatAttachmentUrl("public")),
  },
  {
    route: "GET /api/chat/attachments/:id",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(await chatAttachmentUrl("private")),
  },
  {
    route: "POST /api/chat/messages/:id/ticket",
    variant: "public channel",
    // Only the author turns their message into a ticket.
    expected: publicChannelMember(201),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("public")).id}/ticket`),
  },
  {
    route: "POST /api/chat/messages/:id/ticket",
    variant: "private channel",
    expected: privateChannel(201, { orgAdmin: 403 }),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("private")).id}/ticket`),
  },
  {
    route: "GET /api/chat/search",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/search?q=matrix"),
  },
  {
    route: "GET /api/chat/people",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/people?q=member"),
  },
  {
    route: "GET /api/chat/presence",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/presence"),
  },

  // Releases
  {
    route: "GET /releases.atom",
    expected: everyone(200),
    call: ({ client }) => client.get("/releases.atom"),
  },
  {
    route: "GET /api/releases",
    expected: everyone(200),
    call: ({ client }) => client.get("/api/releases"),
  },
  {
    route: "GET /api/releases/:version",
    variant: "published",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/releases/${(await publishedRelease()).version}`),
  },
  {
    route: "GET /api/releases/:version",
    variant: "draft",
    // A draft does not exist for anyone outside the product team, signed in or not.
    expected: { ...everyone(404), staff: 200 },
    call: async ({ client }) => client.get(`/api/releases/${(await releaseDraft()).version}`),
  },
  {
    route: "PATCH /api/me",
    variant: "release e-mails",
    expected: signedIn(200),
    call: ({ client }) => client.patch("/api/me", { releaseEmails: true }),
  },
  {
    route: "GET /api/admin/releases",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/releases"),
  },
  {
    route: "POST /api/admin/releases",
    expected: staffOnly(201),
    call: ({ client }) => client.post("/api/admin/releases", releaseInput()),
  },
  {
    route: "POST /api/admin/releases/preview",
    expected: staffOnly(200),
    call: ({ client }) => client.post("/api/admin/releases/preview", releaseInput()),
  },
  {
    route: "GET /api/admin/releases/:id",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`/api/admin/releases/${(await releaseDraft()).id}`),
  },
  {
    route: "PATCH /api/admin/releases/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/releases/${(await releaseDraft()).id}`, { title: "Renamed by the matrix" }),
  },
  {
    route: "DELETE /api/admin/releases/:id",
    expected: staffOnly(204),
    call: async ({ client }) => client.delete(`/api/admin/releases/${(await releaseDraft()).id}`),
  },
  {
    route: "GET /api/admin/releases/:id/preview",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`/api/admin/releases/${(await releaseDraft()).id}/preview`),
  },
  {
    route: "POST /api/admin/releases/:id/publish",
    expected: staffOnly(200),
    call: async ({ client }) => client.post(`/api/admin/releases/${(await releaseDraft()).id}/publish`),
  },
  {
    route: "GET /api/admin/webhooks",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/webhooks"),
  },
  {
    route: "POST /api/admin/webhooks",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/webhooks", { name: unique("Matrix webhook"), url: "http://127.0.0.1:9/" }),
  },
  {
    route: "PATCH /api/admin/webhooks/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/webhooks/${(await matrixWebhook()).id}`, { active: false }),
  },
  {
    route: "DELETE /api/admin/webhooks/:id",
    expected: staffOnly(204),
    call: async ({ client }) => client.delete(`/api/admin/webhooks/${(await matrixWebhook()).id}`),
  },
  {
    route: "GET /api/admin/webhooks/:id/deliveries",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`/api/admin/webhooks/${(await matrixWebhook()).id}/deliveries`),
  },
  {
    route: "POST /api/admin/webhook-deliveries/:id/redeliver",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`/api/admin/webhook-deliveries/${await webhookDelivery()}/redeliver`),
  },
  // Development environment (sandbox)
  {
    route: "GET /api/sandbox/status",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/sandbox/status"),
  },
  {
    route: "GET /api/sandbox/agreement",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/sandbox/agreement"),
  },
  {
    route: "POST /api/sandbox/agreement/accept",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.post("/api/sandbox/agreement/accept", { agreementId: await agreementId() }),
  },
  {
    route: "GET /api/admin/sandbox/agreements",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/sandbox/agreements"),
  },
  {
    route: "POST /api/admin/sandbox/agreements",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/agreements", { title: unique("Matrix agreement"), body: "Text." }),
  },
  {
    route: "GET /api/admin/sandbox/agreements/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.get(`/api/admin/sandbox/agreements/${(await sandboxAgreementDraft()).id}`),
  },
  {
    route: "PATCH /api/admin/sandbox/agreements/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/sandbox/agreements/${(await sandboxAgreementDraft()).id}`, {
        body: "Changed.",
      }),
  },
  {
    route: "POST /api/admin/sandbox/agreements/:id/publish",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/admin/sandbox/agreements/${(await sandboxAgreementDraft()).id}/publish`),
  },
  {
    route: "GET /api/admin/sandbox/agreements/:id/acceptances",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.get(`/api/admin/sandbox/agreements/${await agreementId()}/acceptances`),
  },
  {
    route: "GET /api/sandbox/users",
    expected: sandboxManagers(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/users");
    },
  },
  {
    route: "POST /api/sandbox/users",
    variant: "a Northwind person",
    expected: sandboxManagers(201),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.post("/api/sandbox/users", { userId: (await throwawayUser()).id, role: "recruiter" });
    },
  },
  {
    route: "PATCH /api/sandbox/users/:userId",
    variant: "a Northwind sandbox user",
    expected: sandboxManagers(200),
    call: async ({ client, email }) => {
      const userId = await sandboxUser();
      await acceptAs(email);
      return client.patch(`/api/sandbox/users/${userId}`, { role: "pharmacist" });
    },
  },
  {
    route: "PATCH /api/sandbox/users/:userId",
    variant: "another organisation's sandbox user",
    // The Northwind admin is not told that a Contoso person is a sandbox user.
    expected: sandboxManagers(200, { orgAdmin: 404 }),
    call: async ({ client, email }) => {
      const userId = await sandboxUser("contoso");
      await acceptAs(email);
      return client.patch(`/api/sandbox/users/${userId}`, { role: "pharmacist" });
    },
  },
  {
    route: "DELETE /api/sandbox/users/:userId",
    variant: "a Northwind sandbox user",
    expected: sandboxManagers(204),
    call: async ({ client, email }) => {
      const userId = await sandboxUser();
      await acceptAs(email);
      return client.delete(`/api/sandbox/users/${userId}`);
    },
  },
  {
    route: "GET /api/sandbox/studies",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/studies?status=design");
    },
  },
  {
    route: "POST /api/sandbox/studies",
    // Contoso's coordinator adds a Contoso study; the investigator adds none.
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 201, orgAdmin: 201, staff: 201 },
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.post("/api/sandbox/studies", {
        protocolNumber: unique("MX-NEW"),
        title: "Matrix study",
        sponsor: "Matrix Pharma",
        phase: "Ia",
        plannedEnrolment: 12,
      });
    },
  },
  {
    route: "GET /api/sandbox/studies/:id",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.get(`/api/sandbox/studies/${study.id}`);
    },
  },
  {
    route: "PATCH /api/sandbox/studies/:id",
    expected: northwindStudyWriters(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.patch(`/api/sandbox/studies/${study.id}`, { title: "Renamed matrix study" });
    },
  },
  {
    route: "POST /api/sandbox/studies/:id/epochs",
    expected: northwindStudyWriters(201),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.post(`/api/sandbox/studies/${study.id}/epochs`, {
        kind: "follow_up",
        startDay: 4,
        endDay: 10,
      });
    },
  },
  {
    route: "PATCH /api/sandbox/studies/:id/epochs/:itemId",
    expected: northwindStudyWriters(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.patch(`/api/sandbox/studies/${study.id}/epochs/${study.epochId}`, { endDay: 5 });
    },
  },
  {
    route: "DELETE /api/sandbox/studies/:id/epochs/:itemId",
    expected: northwindStudyWriters(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.delete(`/api/sandbox/studies/${study.id}/epochs/${study.epochId}`);
    },
  },
  {
    route: "POST /api/sandbox/studies/:id/cohorts",
    expected: northwindStudyWriters(201),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.post(`/api/sandbox/studies/${study.id}/cohorts`, {
        name: "Cohort 2",
        plannedSize: 4,
        dose: "3 mg",
      });
    },
  },
  {
    route: "PATCH /api/sandbox/studies/:id/cohorts/:itemId",
    expected: northwindStudyWriters(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.patch(`/api/sandbox/studies/${study.id}/cohorts/${study.cohortId}`, { plannedSize: 6 });
    },
  },
  {
    route: "DELETE /api/sandbox/studies/:id/cohorts/:itemId",
    expected: northwindStudyWriters(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.delete(`/api/sandbox/studies/${study.id}/cohorts/${study.cohortId}`);
    },
  },
  {
    route: "POST /api/sandbox/studies/:id/events",
    expected: northwindStudyWriters(201),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.post(`/api/sandbox/studies/${study.id}/events`, { name: "Follow-up", dayOffset: 7 });
    },
  },
  {
    route: "PATCH /api/sandbox/studies/:id/events/:itemId",
    expected: northwindStudyWriters(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.patch(`/api/sandbox/studies/${study.id}/events/${study.eventId}`, { windowDays: 1 });
    },
  },
  {
    route: "DELETE /api/sandbox/studies/:id/events/:itemId",
    expected: northwindStudyWriters(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.delete(`/api/sandbox/studies/${study.id}/events/${study.eventId}`);
    },
  },
  {
    route: "GET /api/sandbox/volunteers",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/volunteers?status=prospect&limit=5");
    },
  },
  {
    route: "POST /api/sandbox/volunteers",
    expected: volunteerWriters(201),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.post("/api/sandbox/volunteers", matrixVolunteerInput());
    },
  },
  {
    route: "GET /api/sandbox/volunteers/:id",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const id = await matrixVolunteer();
      await acceptAs(email);
      return client.get(`/api/sandbox/volunteers/${id}?display=id`);
    },
  },
  {
    route: "PATCH /api/sandbox/volunteers/:id",
    expected: volunteerWriters(200),
    call: async ({ client, email }) => {
      const id = await matrixVolunteer();
      await acceptAs(email);
      return client.patch(`/api/sandbox/volunteers/${id}`, { weightKg: 72 });
    },
  },
  {
    route: "DELETE /api/sandbox/volunteers/:id",
    expected: volunteerWriters(204),
    call: async ({ client, email }) => {
      const id = await matrixVolunteer();
      await acceptAs(email);
      return client.delete(`/api/sandbox/volunteers/${id}?reason=Matrix`);
    },
  },
  {
    route: "GET /api/sandbox/studies/:id/enrolments",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const study = await activeNorthwindStudy();
      await acceptAs(email);
      return client.get(`/api/sandbox/studies/${study.id}/enrolments`);
    },
  },
  {
    route: "POST /api/sandbox/studies/:id/enrolments",
    expected: northwindEnrolmentWriters(201),
    call: async ({ client, email }) => {
      const study = await activeNorthwindStudy();
      const volunteerId = await matrixVolunteer();
      await acceptAs(email);
      return client.post(`/api/sandbox/studies/${study.id}/enrolments`, {
        volunteerId,
        screeningDate: "2025-01-06",
      });
    },
  },
  {
    route: "POST /api/sandbox/enrolments/:id/eligibility",
    expected: northwindEnrolmentWriters(200),
    call: async ({ client, email }) => {
      const { id } = await northwindEnrolment("screening");
      await acceptAs(email);
      return client.post(`/api/sandbox/enrolments/${id}/eligibility`, { eligible: true });
    },
  },
  {
    route: "POST /api/sandbox/enrolments/:id/assign",
    expected: northwindEnrolmentWriters(200),
    call: async ({ client, email }) => {
      const { id, cohortId } = await northwindEnrolment("eligible");
      await acceptAs(email);
      return client.post(`/api/sandbox/enrolments/${id}/assign`, { cohortId, dosingStart: "2025-02-03" });
    },
  },
  {
    route: "POST /api/sandbox/enrolments/:id/withdraw",
    expected: northwindEnrolmentWriters(200),
    call: async ({ client, email }) => {
      const { id } = await northwindEnrolment("enrolled");
      await acceptAs(email);
      return client.post(`/api/sandbox/enrolments/${id}/withdraw`, { reason: "Matrix" });
    },
  },
  {
    route: "POST /api/sandbox/enrolments/:id/complete",
    expected: northwindEnrolmentWriters(200),
    call: async ({ client, email }) => {
      const { id } = await northwindEnrolment("enrolled");
      await acceptAs(email);
      return client.post(`/api/sandbox/enrolments/${id}/complete`, { reason: "Matrix" });
    },
  },
  {
    route: "GET /api/sandbox/volunteers/:id/enrolments",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const id = await matrixVolunteer();
      await acceptAs(email);
      return client.get(`/api/sandbox/volunteers/${id}/enrolments`);
    },
  },
  {
    route: "GET /api/sandbox/audit",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.get(`/api/sandbox/audit?studyId=${study.id}`);
    },
  },
  {
    route: "GET /api/sandbox/audit.csv",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const study = await northwindStudy();
      await acceptAs(email);
      return client.get(`/api/sandbox/audit.csv?studyId=${study.id}`);
    },
  },
  {
    route: "POST /api/sandbox/imports",
    expected: volunteerWriters(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.upload("/api/sandbox/imports", {
        filename: "matrix.csv",
        contentType: "text/csv",
        data: matrixImportCsv(),
      });
    },
  },
  {
    route: "GET /api/sandbox/imports",
    expected: volunteerWriters(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/imports");
    },
  },
  {
    route: "GET /api/sandbox/imports/:id",
    variant: "an import the caller ran (staff's for those who cannot import)",
    expected: volunteerWriters(200),
    call: async ({ client, email, role }) => {
      const id = await matrixImport(
        role === "anonymous" || role === "sameOrg" ? people().staff.email : email,
      );
      await acceptAs(email);
      return client.get(`/api/sandbox/imports/${id}`);
    },
  },
  {
    route: "GET /api/sandbox/imports/:id",
    variant: "an import staff ran",
    // An import report describes the importer's file: nobody but staff learns someone else's exists.
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 404, staff: 200 },
    call: async ({ client, email }) => {
      const id = await matrixImport(people().staff.email);
      await acceptAs(email);
      return client.get(`/api/sandbox/imports/${id}`);
    },
  },
  {
    route: "GET /api/sandbox/environment",
    // Not behind the agreement gate: the environment banner shows on the agreement page too.
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/sandbox/environment"),
  },
  {
    route: "GET /api/sandbox/flags",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/flags");
    },
  },
  {
    route: "POST /api/admin/sandbox/flags",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/flags", {
        key: unique("matrix-flag"),
        name: "Matrix flag",
        state: "off",
      }),
  },
  {
    route: "PATCH /api/admin/sandbox/flags/:key",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const flag = await createFlag(asStaffCtx(), {
        key: unique("matrix-flag"),
        name: "Matrix flag",
        description: "",
        state: "off",
      });
      return client.patch(`/api/admin/sandbox/flags/${flag.key}`, { state: "preview" });
    },
  },
  {
    route: "GET /api/sandbox/deployments",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/deployments?limit=5");
    },
  },
  {
    route: "POST /api/admin/sandbox/deployments",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/deployments", {
        buildId: unique("matrix-build"),
        version: "26.9-rc.1",
      }),
  },
  {
    route: "GET /api/admin/sandbox/settings",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/sandbox/settings"),
  },
  {
    route: "PATCH /api/admin/sandbox/settings",
    expected: staffOnly(200),
    call: ({ client }) => client.patch("/api/admin/sandbox/settings", { wipeNoticeHours: 24 }),
  },
  // Wipes: at most one is pending, so each case clears what an earlier one scheduled.
  {
    route: "GET /api/admin/sandbox/wipes",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/sandbox/wipes"),
  },
  {
    route: "POST /api/admin/sandbox/wipes",
    expected: staffOnly(201),
    call: async ({ client }) => {
      await clearPendingWipes();
      return client.post("/api/admin/sandbox/wipes", {
        scheduledFor: new Date(Date.now() + 48 * 3_600_000).toISOString(),
        message: "Matrix wipe.",
      });
    },
  },
  {
    route: "POST /api/admin/sandbox/wipes/now",
    // Staff get past the access check and are stopped by the confirmation, so the matrix wipes nothing.
    expected: staffOnly(400),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/wipes/now", { confirmation: "not the phrase", message: "Matrix." }),
  },
  {
    route: "POST /api/admin/sandbox/wipes/:id/cancel",
    expected: staffOnly(200),
    call: async ({ client }) => {
      await clearPendingWipes();
      const wipe = await scheduleWipe(asStaffCtx(), {
        scheduledFor: new Date(Date.now() + 48 * 3_600_000),
        message: "Matrix wipe to cancel.",
      });
      return client.post(`/api/admin/sandbox/wipes/${wipe.id}/cancel`);
    },
  },
  {
    route: "GET /api/sandbox/studies/export",
    // Study coordinators export their own organisation's studies (the default); the investigator may not.
    expected: { ...sandboxReaders(200), sameOrg: 403 },
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/studies/export");
    },
  },
  {
    route: "POST /api/sandbox/studies/import",
    expected: { ...sandboxReaders(201), sameOrg: 403 },
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.post("/api/sandbox/studies/import", matrixStudyExport());
    },
  },
  // Pharmacy preview (behind the `pharmacy` flag, which the demo deployment leaves in preview)
  {
    route: "GET /api/sandbox/pharmacy/products",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/pharmacy/products");
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/products",
    expected: pharmacyWriters(201),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.post("/api/sandbox/pharmacy/products", {
        name: unique("Matrix product"),
        form: "capsule",
        strength: "2 mg",
        units: "capsule",
        defaultDose: "2 mg",
      });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/products/:id",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/products/${productId}`);
    },
  },
  {
    route: "PATCH /api/sandbox/pharmacy/products/:id",
    expected: pharmacyWriters(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.patch(`/api/sandbox/pharmacy/products/${productId}`, { storageNotes: "Keep dry." });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/products/:id/accountability",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/products/${productId}/accountability`);
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/products/:id/lots",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/products/${productId}/lots`);
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/products/:id/lots",
    expected: pharmacyWriters(201),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.post(`/api/sandbox/pharmacy/products/${productId}/lots`, {
        lotNumber: "MX-2",
        quantity: 6,
        expiry: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
        containers: 2,
      });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/containers",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { lotId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/containers?lotId=${lotId}`);
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/containers/:id",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/containers/${containerId}`);
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/containers/:id/move",
    expected: pharmacyWriters(200),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer();
      await acceptAs(email);
      return client.post(`/api/sandbox/pharmacy/containers/${containerId}/move`, { to: "storage" });
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/containers/:id/label.svg",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/containers/${containerId}/label.svg`);
    },
  },
  {
    route: "GET /api/sandbox/pharmacy/dispensations",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      const { productId } = await pharmacyContainer();
      await acceptAs(email);
      return client.get(`/api/sandbox/pharmacy/dispensations?productId=${productId}`);
    },
  },
  {
    route: "POST /api/sandbox/pharmacy/dispensations",
    expected: pharmacyWriters(201),
    call: async ({ client, email }) => {
      const { containerId } = await pharmacyContainer("dispense");
      const { id: enrolmentId } = await northwindEnrolment("enrolled");
      await acceptAs(email);
      return client.post("/api/sandbox/pharmacy/dispensations", {
        containerId,
        enrolmentId,
        quantity: 1,
        dose: "1 mg",
      });
    },
  },
  // Collaboration projects: projects and the board
  {
    route: "GET /api/projects",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/projects"),
  },
  {
    route: "POST /api/projects",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/projects", { name: unique("Matrix project"), purpose: "", startsOn: "2026-04-01" }),
  },
  {
    route: "GET /api/projects/activity",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/projects/activity"),
  },
  {
    route: "GET /api/projects/search",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/projects/search?q=matrix"),
  },
  {
    route: "GET /api/projects/search",
    variant: "in one project",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      client.get(`/api/projects/search?q=matrix&projectId=${(await matrixProject()).projectId}`),
  },
  {
    route: "GET /api/projects/:id",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixProject()).projectId}`),
  },
  {
    route: "PATCH /api/projects/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/projects/${(await matrixProject()).projectId}`, { purpose: "Changed." }),
  },
  {
    route: "POST /api/projects/:id/archive",
    expected: staffOnly(200),
    call: async ({ client }) => client.post(`/api/projects/${(await matrixProject()).projectId}/archive`),
  },
  {
    route: "POST /api/projects/:id/restore",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject({ archived: true })).projectId}/restore`),
  },
  {
    route: "POST /api/projects/:id/participants",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/participants`, {
        userId: people().contosoMember.id,
      }),
  },
  {
    route: "DELETE /api/projects/:id/participants/:participantId",
    expected: staffOnly(204),
    call: async ({ client }) => {
      const { projectId, participantId } = await matrixProject();
      return client.delete(`/api/projects/${projectId}/participants/${participantId}`);
    },
  },
  {
    route: "GET /api/projects/:id/posts",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixPost()).projectId}/posts`),
  },
  {
    route: "POST /api/projects/:id/posts",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/posts`, {
        category: "question",
        title: unique("Matrix post"),
        body: "Posted by the matrix.",
      }),
  },
  {
    route: "POST /api/projects/:id/posts",
    variant: "archived project",
    expected: projectParticipantsOnly(409),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject({ archived: true })).projectId}/posts`, {
        category: "question",
        title: unique("Matrix post"),
        body: "Posted by the matrix.",
      }),
  },
  {
    route: "GET /api/projects/:id/posts/:postId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixPost()).path),
  },
  {
    route: "GET /api/projects/:id/posts/:postId",
    variant: "staff-only post",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get((await matrixPost("staff")).path),
  },
  {
    route: "PATCH /api/projects/:id/posts/:postId",
    // The post is the same-organisation member's: the org admin, in the project too, may not edit it.
    expected: projectParticipantsOnly(200, { orgAdmin: 403 }),
    call: async ({ client }) => client.patch((await matrixPost()).path, { title: unique("Edited") }),
  },
  {
    route: "POST /api/projects/:id/posts/:postId/comments",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) => client.post(`${(await matrixPost()).path}/comments`, { body: "A comment." }),
  },
  {
    route: "POST /api/projects/:id/posts/:postId/comments",
    variant: "staff-only post",
    expected: staffOnlyItem(201),
    call: async ({ client }) =>
      client.post(`${(await matrixPost("staff")).path}/comments`, { body: "A comment." }),
  },
  {
    route: "POST /api/projects/:id/posts/:postId/attachments",
    expected: projectParticipantsOnly(201, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.upload(`${(await matrixPost()).path}/attachments`, {
        filename: "matrix.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("attachment")),
      }),
  },
  {
    route: "GET /api/projects/:id/posts/:postId/attachments/:attachmentId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(await matrixPostAttachmentUrl()),
  },
  {
    route: "GET /api/projects/:id/posts/:postId/attachments/:attachmentId",
    variant: "staff-only post",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(await matrixPostAttachmentUrl("staff")),
  },
  {
    route: "PUT /api/projects/:id/posts/:postId/subscription",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixPost()).path}/subscription`, { state: "muted" }),
  },
  {
    route: "PUT /api/projects/:id/posts/:postId/subscription",
    variant: "staff-only post",
    expected: staffOnlyItem(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixPost("staff")).path}/subscription`, { state: "subscribed" }),
  },
  {
    route: "GET /api/projects/:id/activity",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixProject()).projectId}/activity`),
  },
  // Collaboration projects: documents and files
  {
    route: "GET /api/projects/:id/documents",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixDocument()).projectId}/documents`),
  },
  {
    route: "POST /api/projects/:id/documents",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/documents`, {
        title: unique("Matrix document"),
        body: "Written by the matrix.",
      }),
  },
  {
    route: "POST /api/projects/:id/documents",
    variant: "archived project",
    expected: projectParticipantsOnly(409),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject({ archived: true })).projectId}/documents`, {
        title: unique("Matrix document"),
        body: "Written by the matrix.",
      }),
  },
  {
    route: "GET /api/projects/:id/documents/:docId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixDocument()).path),
  },
  {
    route: "GET /api/projects/:id/documents/:docId",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get((await matrixDocument("staff")).path),
  },
  {
    route: "PUT /api/projects/:id/documents/:docId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      putAs(client, (await matrixDocument()).path, {
        title: unique("Edited"),
        body: "Edited.",
        baseVersion: 1,
      }),
  },
  {
    route: "PUT /api/projects/:id/documents/:docId",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) =>
      putAs(client, (await matrixDocument("staff")).path, {
        title: unique("Edited"),
        body: "Edited.",
        baseVersion: 1,
      }),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`${(await matrixDocument()).path}/versions`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(`${(await matrixDocument("staff")).path}/versions`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions/:n",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`${(await matrixDocument()).path}/versions/1`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions/:n",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(`${(await matrixDocument("staff")).path}/versions/1`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/diff",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      client.get(`${(await matrixDocument("project", { versions: 2 })).path}/diff?from=1&to=2`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/diff",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) =>
      client.get(`${(await matrixDocument("staff", { versions: 2 })).path}/diff?from=1&to=2`),
  },
  {
    route: "POST /api/projects/:id/documents/:docId/restore",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`${(await matrixDocument("project", { versions: 2 })).path}/restore`, { version: 1 }),
  },
  {
    route: "POST /api/projects/:id/documents/:docId/restore",
    variant: "staff-only document",
    expected: staffOnlyItem(201),
    call: async ({ client }) =>
      client.post(`${(await matrixDocument("staff", { versions: 2 })).path}/restore`, { version: 1 }),
  },
  {
    route: "GET /api/projects/:id/folders",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixProject()).projectId}/folders`),
  },
  {
    route: "POST /api/projects/:id/folders",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/folders`, {
        name: unique("Matrix folder"),
      }),
  },
  {
    route: "GET /api/projects/:id/files",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixFile()).projectId}/files`),
  },
  {
    route: "POST /api/projects/:id/files",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.upload(`/api/projects/${(await matrixProject()).projectId}/files`, {
        filename: "matrix.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("project file")),
      }),
  },
  {
    route: "GET /api/projects/:id/files/:fileId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixFile()).path),
  },
  {
    route: "GET /api/projects/:id/files/:fileId",
    variant: "staff-only file",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get((await matrixFile("staff")).path),
  },
  {
    route: "GET /api/projects/:id/files/:fileId/download",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`${(await matrixFile()).path}/download`),
  },
  {
    route: "GET /api/projects/:id/files/:fileId/download",
    variant: "staff-only file",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(`${(await matrixFile("staff")).path}/download`),
  },

  // Collaboration projects: feedback rounds
  {
    route: "GET /api/projects/:id/rounds",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixRound()).projectId}/rounds`),
  },
  {
    route: "POST /api/projects/:id/rounds",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/rounds`, {
        title: unique("Matrix round"),
        questions: [{ kind: "text", prompt: "Anything?", required: false }],
        opensAt: new Date().toISOString(),
        closesAt: new Date(Date.now() + 86_400_000).toISOString(),
        answerScope: "person",
      }),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixRound()).path),
  },
  {
    route: "PATCH /api/projects/:id/rounds/:roundId",
    expected: staffOnly(200),
    call: async ({ client }) => client.patch((await matrixRound()).path, { title: unique("Renamed round") }),
  },
  {
    route: "PUT /api/projects/:id/rounds/:roundId/response",
    expected: roundParticipants(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixRound()).path}/response`, { answers: { q1: 5 } }),
  },
  {
    route: "POST /api/projects/:id/rounds/:roundId/response/files",
    expected: roundParticipants(201),
    call: async ({ client }) =>
      client.upload(`${(await matrixAnswer()).path}/response/files`, {
        filename: "matrix.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("answer file")),
      }),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses/:responseId/files/:fileId",
    variant: "the organisation's answer",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixAnswer()).fileUrl),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses/:responseId/files/:fileId",
    variant: "a colleague's own answer in person scope",
    expected: { ...projectParticipantsOnly(200), sameOrg: 404 },
    call: async ({ client }) => client.get((await matrixAnswer("northwindAdmin", "person")).fileUrl),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`${(await matrixAnswer()).path}/responses`),
  },
  {
    route: "PATCH /api/projects/:id/rounds/:roundId/responses/:responseId",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const { path, responseId } = await matrixAnswer();
      return client.patch(`${path}/responses/${responseId}`, {
        triage: "acknowledged",
        staffReply: "Thanks.",
      });
    },
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/summary",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`${(await matrixAnswer()).path}/summary`),
  },
  {
    route: "POST /api/projects/:id/rounds/:roundId/summary-post",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`${(await matrixAnswer()).path}/summary-post`, {
        category: "announcement",
      }),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses.csv",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`${(await matrixAnswer()).path}/responses.csv`),
  },
  // --- groups: each case builds a fresh group (see matrixGroup) ---
  {
    route: "GET /api/groups",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/groups"),
  },
  {
    route: "POST /api/groups",
    expected: signedIn(201),
    call: ({ client }) => client.post("/api/groups", { handle: unique("mx-new"), name: "Matrix new group" }),
  },
  {
    route: "GET /api/groups/search",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/groups/search?q=matrix"),
  },
  {
    route: "GET /api/groups/:handle",
    expected: signedIn(200),
    call: async ({ client }) => client.get((await matrixGroup()).path),
  },
  {
    route: "GET /api/groups/:handle",
    variant: "unlisted group",
    expected: { ...signedIn(200), staff: 404 },
    call: async ({ client }) => client.get((await matrixGroup({ visibility: "unlisted" })).path),
  },
  {
    route: "PATCH /api/groups/:handle",
    expected: groupOwner(200),
    call: async ({ client }) => client.patch((await matrixGroup()).path, { postingPolicy: "moderated" }),
  },
  {
    route: "POST /api/groups/:handle/join",
    expected: { anonymous: 401, sameOrg: 409, otherOrg: 409, orgAdmin: 409, staff: 200 },
    call: async ({ client }) => client.post(`${(await matrixGroup()).path}/join`),
  },
  {
    route: "POST /api/groups/:handle/join",
    variant: "the org admin is banned",
    expected: { anonymous: 401, sameOrg: 409, otherOrg: 409, orgAdmin: 403, staff: 200 },
    call: async ({ client }) => client.post(`${(await matrixGroup({}, { banMember: true })).path}/join`),
  },
  {
    route: "POST /api/groups/:handle/leave",
    expected: { anonymous: 401, sameOrg: 409, otherOrg: 200, orgAdmin: 200, staff: 409 },
    call: async ({ client }) => client.post(`${(await matrixGroup()).path}/leave`),
  },
  {
    route: "PUT /api/groups/:handle/membership",
    expected: groupMember(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixGroup()).path}/membership`, { delivery: "digest" }),
  },
  {
    route: "GET /api/groups/:handle/members",
    expected: groupMember(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/members`),
  },
  {
    route: "POST /api/groups/:handle/invitations",
    expected: groupModerator(201),
    call: async ({ client }) =>
      client.post(`${(await matrixGroup()).path}/invitations`, { email: (await throwawayUser()).email }),
  },
  {
    route: "POST /api/groups/:handle/members/:userId/approve",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const group = await matrixGroup({ joinPolicy: "approval" });
      const person = await throwawayUser();
      await joinGroup(actingAs(community.ctx, actorOf(person)), group.handle);
      return client.post(`${group.path}/members/${person.id}/approve`);
    },
  },
  {
    route: "PATCH /api/groups/:handle/members/:userId",
    expected: groupOwner(200),
    call: async ({ client }) =>
      client.patch(`${(await matrixGroup()).path}/members/${people().northwindAdmin.id}`, {
        role: "moderator",
      }),
  },
  {
    route: "POST /api/groups/:handle/members/:userId/remove",
    expected: groupOwner(200),
    call: async ({ client }) => {
      const { path, outsiderId } = await matrixGroup({}, { extraMember: true });
      return client.post(`${path}/members/${outsiderId}/remove`, {});
    },
  },
  {
    route: "POST /api/groups/:handle/members/:userId/ban",
    expected: groupOwner(200),
    call: async ({ client }) => {
      const { path, outsiderId } = await matrixGroup({}, { extraMember: true });
      return client.post(`${path}/members/${outsiderId}/ban`, { reason: "Matrix ban" });
    },
  },
  {
    route: "POST /api/groups/:handle/members/:userId/unban",
    expected: groupOwner(200),
    call: async ({ client }) => {
      const { path, outsiderId } = await matrixGroup({}, { extraMember: true, banExtra: true });
      return client.post(`${path}/members/${outsiderId}/unban`);
    },
  },
  {
    route: "GET /api/groups/:handle/topics",
    expected: groupMember(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/topics`),
  },
  {
    route: "GET /api/groups/:handle/topics",
    variant: "the org admin is banned",
    expected: { ...groupMember(200), orgAdmin: 403 },
    call: async ({ client }) => client.get(`${(await matrixGroup({}, { banMember: true })).path}/topics`),
  },
  {
    route: "POST /api/groups/:handle/topics",
    expected: groupMember(201),
    call: async ({ client }) =>
      client.post(`${(await matrixGroup()).path}/topics`, { subject: "Matrix topic", body: "Hello #matrix" }),
  },
  {
    route: "POST /api/groups/:handle/topics",
    variant: "announce-only group",
    expected: { ...groupMember(201), orgAdmin: 403 },
    call: async ({ client }) =>
      client.post(`${(await matrixGroup({ postingPolicy: "announce_only" })).path}/topics`, {
        subject: "Matrix news",
        body: "News",
      }),
  },
  {
    route: "GET /api/groups/:handle/topics/:topicId",
    expected: groupMember(200),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.get(`${path}/topics/${topicId}`);
    },
  },
  {
    route: "PATCH /api/groups/:handle/topics/:topicId",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.patch(`${path}/topics/${topicId}`, { pinned: true });
    },
  },
  {
    route: "DELETE /api/groups/:handle/topics/:topicId",
    expected: groupModerator(204),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.delete(`${path}/topics/${topicId}`);
    },
  },
  {
    route: "POST /api/groups/:handle/topics/:topicId/messages",
    expected: groupMember(201),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.post(`${path}/topics/${topicId}/messages`, { body: "A matrix reply" });
    },
  },
  {
    route: "GET /api/groups/:handle/messages/:messageId/attachments/:fileId",
    expected: groupMember(200),
    call: async ({ client }) => client.get((await matrixTopic()).attachmentUrl),
  },
  {
    route: "GET /api/groups/:handle/hashtags/:tag",
    expected: groupMember(200),
    call: async ({ client }) => client.get(`${(await matrixTopic()).path}/hashtags/matrix`),
  },
  {
    route: "GET /api/groups/:handle/queue",
    expected: groupModerator(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/queue`),
  },
  {
    route: "POST /api/groups/:handle/queue/:messageId/approve",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const { path, messageId } = await matrixTopic({ postingPolicy: "moderated" });
      return client.post(`${path}/queue/${messageId}/approve`);
    },
  },
  {
    route: "POST /api/groups/:handle/queue/:messageId/reject",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const { path, messageId } = await matrixTopic({ postingPolicy: "moderated" });
      return client.post(`${path}/queue/${messageId}/reject`, { reason: "Matrix rejection" });
    },
  },
  {
    route: "GET /api/groups/:handle/log",
    expected: groupModerator(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/log`),
  },
  // One-click unsubscribe: the signed token is the authority, so whoever holds it (a mail provider,
  // anyone) gets the same answer, and a forged one is refused the same way for everyone.
  {
    route: "GET /api/groups/unsubscribe",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/groups/unsubscribe?token=${await matrixUnsubscribeToken()}`),
  },
  {
    route: "POST /api/groups/unsubscribe",
    expected: everyone(200),
    call: async ({ client }) =>
      client.post(`/api/groups/unsubscribe?token=${await matrixUnsubscribeToken()}`),
  },
  {
    route: "POST /api/groups/unsubscribe",
    variant: "forged token",
    expected: everyone(400),
    call: async ({ client }) => {
      const [groupId, , signature] = (await matrixUnsubscribeToken()).split(".");
      return client.post(
        `/api/groups/unsubscribe?token=${groupId}.${people().northwindMember.id}.${signature}`,
      );
    },
  },
];

const cases = rows.flatMap((row) =>
  roles.map(
    (role) =>
      [
        `${row.route}${row.variant ? ` (${row.variant})` : ""}: ${roleNames[role]} gets ${row.expected[role]}`,
        { row, role, status: row.expected[role] },
      ] as const,
  ),
);

describe("authorization of every route", () => {
  it.each(cases)("%s", async (_name, { row, role, status }) => {
    const email = role === "anonymous" ? null : roleEmails[role];
    const response = await row.call({ role, client: clients[role], email });
    expect(response.statusCode, response.body).toBe(status);
    const code = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" }[status];
    if (code) expect(response.json().error.code).toBe(code);
  });
});

describe("the matrix itself", () => {
  const covered = new Set(rows.map((row) => row.route));

  it("covers every route of docs/API.md, and nothing else but the public platform routes and the feed", () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, "../../docs/API.md"), "utf8");
    // A table line names one method, or several that share a path (`| POST / DELETE | /api/... |`).
    const documented = [
      ...doc.matchAll(
        /^\| ((?:GET|POST|PATCH|PUT|DELETE)(?: \/ (?:GET|POST|PATCH|PUT|DELETE))*) \| (\/api\/\S+) \|/gm,
      ),
    ].flatMap(([, methods = "", route]) => methods.split(" / ").map((method) => `${method} ${route}`));
    expect(documented.length).toBeGreaterThan(30);
    expect([...covered].sort()).toEqual(
      [...new Set([...documented, "GET /api/health", "GET /api/openapi.json", "GET /releases.atom"])].sort(),
    );
  });

  it("covers every route the server declares in its OpenAPI document", async () => {
    const spec = (await community.anonymous().get("/api/openapi.json")).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const declared = Object.entries(spec.paths).flatMap(([route, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ":$1")}`,
      ),
    );
    expect(declared.length).toBeGreaterThan(30);
    expect(declared.filter((route) => !covered.has(route))).toEqual([]);
  });
});

describe("access is checked before input", () => {
  it("answers an anonymous request with a malformed body 401, not a field list", async () => {
    const response = await community.anonymous().post("/api/desk/tickets", { type: "nonsense" });
    expect(response.statusCode).toBe(401);
  });

  it("answers a customer's malformed request to a staff route 403, not a field list", async () => {
    const member = await community.signIn("member@contoso.example");
    const response = await member.post("/api/admin/organisations", { kind: "nonsense" });
    expect(response.statusCode).toBe(403);
  });
});
