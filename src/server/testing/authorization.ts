/**
 * The authorization matrix: who may call what, every route against five callers. Each module keeps
 * its rows beside it (`modules/<module>/authorization.test.ts`, one per sandbox sub-module, the
 * platform's in `platform/`) and runs them with `authorizationMatrix`, which also checks that the rows
 * cover exactly the operations the module's contract files declare. `src/server/authorization.test.ts`
 * checks that every operation the server documents is declared by some module's contracts and that
 * each of those modules has its matrix file, so no route goes without rows.
 *
 * "Member of the same organisation" is member@northwind.example, who opened the Northwind tickets and
 * sent the Northwind invitations used here; "member of another organisation" is member@contoso.example.
 * Every case builds the fresh resource it needs, through the services, so cases are independent and a
 * broken route cannot break another row.
 */
import fs from "node:fs";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Operation } from "../../shared/contract.js";
import { DEMO_PASSWORD } from "../demo/seed.js";
import { actorOf, createUser } from "../modules/accounts/users.js";
import { currentAgreement } from "../modules/sandbox/access/access.js";
import { acceptAgreement } from "../modules/sandbox/access/agreement.js";
import { asSeeder } from "../modules/sandbox/access/index.js";
import { assignCohort, decideEligibility, screenVolunteer } from "../modules/sandbox/clinical/enrolments.js";
import {
  addCohort,
  addEpoch,
  addEvent,
  createStudy,
  updateStudy,
} from "../modules/sandbox/clinical/studies.js";
import { createVolunteer } from "../modules/sandbox/clinical/volunteers.js";
import { actingAs, type Ctx } from "../platform/context.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "./harness.js";

export const roles = ["anonymous", "sameOrg", "otherOrg", "orgAdmin", "staff"] as const;
export type Role = (typeof roles)[number];

export const roleNames: Record<Role, string> = {
  anonymous: "anonymous",
  sameOrg: "member of the same organisation",
  otherOrg: "member of another organisation",
  orgAdmin: "org admin",
  staff: "staff",
};

export const roleEmails: Record<Exclude<Role, "anonymous">, string> = {
  sameOrg: "member@northwind.example",
  otherOrg: "member@contoso.example",
  orgAdmin: "admin@northwind.example",
  staff: "staff@vendor.example",
};

export type Expected = Record<Role, number>;
export const everyone = (status: number): Expected => ({
  anonymous: status,
  sameOrg: status,
  otherOrg: status,
  orgAdmin: status,
  staff: status,
});
export const signedIn = (status: number): Expected => ({ ...everyone(status), anonymous: 401 });
export const staffOnly = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: 403,
  staff: status,
});
/** A Northwind resource the same-organisation member owns: the other organisation never learns it exists. */
export const northwindResource = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: refused.orgAdmin ?? status,
  staff: status,
});

export type Caller = { role: Role; client: Client; email: string | null };
export type Row = {
  /**
   * "METHOD /path" exactly as the operation's contract declares it (a `POST / DELETE` line of
   * docs/API.md is one row per method).
   */
  route: string;
  /** Distinguishes rows of one route that test different permissions (e.g. PATCH of sharing vs status). */
  variant?: string;
  expected: Expected;
  call: (caller: Caller) => Promise<LightMyRequestResponse>;
};

// --- the running file's community: one per matrix file, started before its first case ---

let started: TestCommunity | undefined;
const clients = {} as Record<Role, Client>;

/** The test community of the matrix file being run; only cases and the fixtures they call reach it. */
export function community(): TestCommunity {
  if (!started) throw new Error("the matrix's community starts before the first case; reach it from a case");
  return started;
}

let sequence = 0;
/** A number no earlier call in this file had, for names and versions that must not repeat. */
export const nextNumber = () => ++sequence;
export const unique = (label: string) => `${label}-${nextNumber()}`;
export const people = () => community().demo.people;
export const northwind = () => community().demo.organisations.northwind;
export const ctxAs = (user: Parameters<typeof actorOf>[0] | null): Ctx => ({
  ...community().ctx,
  actor: user ? actorOf(user) : null,
});

// --- which operations a matrix file covers ---

const serverDirectory = path.resolve(import.meta.dirname, "..");
/** The platform declares its operations in src/shared/contracts, not in a contracts folder of its own. */
const platformContracts = path.resolve(serverDirectory, "../shared/contracts");

/** Every folder of contract files: each module's, each sandbox sub-module's, and the platform's. */
export function contractDirectories(): string[] {
  const within = (directory: string): string[] =>
    fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      if (!entry.isDirectory()) return [];
      const child = path.join(directory, entry.name);
      return entry.name === "contracts" ? [child] : within(child);
    });
  return [...within(path.join(serverDirectory, "modules")), platformContracts].sort();
}

/** Where the matrix of a folder of contracts lives: beside the module that declares them. */
export function matrixFileOf(contracts: string): string {
  const owner =
    contracts === platformContracts ? path.join(serverDirectory, "platform") : path.dirname(contracts);
  return path.join(owner, "authorization.test.ts");
}

const isOperation = (value: unknown): value is Operation =>
  typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "operation";

/** "METHOD /path" of each operation the contract files of a folder declare, once each. */
export async function operationsDeclaredIn(contracts: string): Promise<string[]> {
  const operations = new Set<Operation>();
  for (const file of fs.readdirSync(contracts).sort()) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
    const exported: Record<string, unknown> = await import(path.join(contracts, file));
    for (const value of Object.values(exported)) if (isOperation(value)) operations.add(value);
  }
  return [...operations].map((operation) => `${operation.method} ${operation.path}`);
}

/**
 * Runs a module's matrix, from the module's `authorization.test.ts`: every row for every role on a
 * test community started once for the file, answered with exactly the expected status (and, for a
 * refusal, its error code); and the rows must cover every operation the module's contracts declare
 * and nothing else, besides `undeclaredRoutes` (routes the module serves without a contract).
 */
export function authorizationMatrix(
  rows: Row[],
  options: { undeclaredRoutes?: readonly string[] } = {},
): void {
  beforeAll(async () => {
    started = await startTestCommunity();
    clients.anonymous = started.anonymous();
    for (const role of roles) {
      if (role !== "anonymous") clients[role] = await started.signIn(roleEmails[role]);
    }
  });
  afterAll(() => started?.close());

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
    it("covers every operation its module declares, and nothing else", async ({ task }) => {
      const contracts = contractDirectories().find(
        (directory) => matrixFileOf(directory) === task.file.filepath,
      );
      if (!contracts) throw new Error(`${task.file.filepath} is no module's matrix file`);
      const declared = [...(await operationsDeclaredIn(contracts)), ...(options.undeclaredRoutes ?? [])];
      expect(declared.length).toBeGreaterThan(0);
      expect([...new Set(rows.map((row) => row.route))].sort()).toEqual([...new Set(declared)].sort());
    });
  });
}

// --- fixtures of more than one module ---

export async function throwawayUser() {
  return createUser(community().ctx, {
    email: `${unique("someone")}@northwind.example`,
    name: "Some One",
    password: DEMO_PASSWORD,
    organisationId: northwind().id,
  });
}

export const asStaff = () => ({ ctx: ctxAs(people().staff), actor: actorOf(people().staff) });

export const asStaffCtx = () => actingAs(community().ctx, actorOf(people().staff));

/** The harness client has no PUT; this sends one as the caller would. */
export const putAs = (client: Client, url: string, body: unknown) =>
  community().app.inject({
    method: "PUT",
    url,
    headers: {
      ...(client.cookie ? { cookie: client.cookie } : {}),
      "x-convene-csrf": "1",
      origin: TEST_ORIGIN,
    },
    payload: body as object,
  });

// The sandbox: its users accept the agreement in force before they act, and a matrix row may have
// published a new one.

export async function agreementId(): Promise<string> {
  const agreement = await currentAgreement(community().db);
  if (!agreement) throw new Error("the demo seed published no sandbox agreement");
  return agreement.id;
}

/** The caller accepts the agreement in force, so a row tests the role rule and not the agreement. */
export async function acceptAs(email: string | null): Promise<void> {
  const person = Object.values(people()).find((p) => p.email === email);
  if (!person) return;
  await acceptAgreement(actingAs(ctxAs(person), actorOf(person)), await agreementId(), "matrix");
}

/** Every sandbox user reads, and all four signed-in callers are sandbox users. */
export const sandboxReaders = (status: number): Expected => signedIn(status);

/**
 * Volunteers: every sandbox user reads; staff, study coordinators (the Northwind org admin, the Contoso
 * member) and recruiters write, the investigator (same-organisation member) only reads.
 */
export const volunteerWriters = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: status,
  orgAdmin: status,
  staff: status,
});

export const matrixVolunteerInput = () => ({
  firstName: "Matty",
  lastName: "Matrix",
  sex: "male" as const,
  dateOfBirth: "1990-05-17",
  email: "matty.matrix@example.com",
  region: "Texas, US",
  heightCm: 180,
  weightKg: 75,
});

/** A fresh prospect volunteer, added by staff. */
export async function matrixVolunteer(): Promise<string> {
  const seeder = asSeeder(asStaff().actor);
  const volunteer = await createVolunteer(actingAs(asStaff().ctx, seeder), matrixVolunteerInput());
  return volunteer.id;
}

/** A fresh Northwind study in design with one epoch, cohort and event, made by its coordinator. */
export async function northwindStudy() {
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

/** A fresh Northwind study (see northwindStudy), made active by its coordinator. */
export async function activeNorthwindStudy() {
  const study = await northwindStudy();
  const nora = asSeeder(actorOf(people().northwindAdmin));
  await updateStudy(actingAs(ctxAs(people().northwindAdmin), nora), study.id, { status: "active" });
  return study;
}

/** A fresh volunteer's enrolment in a fresh active Northwind study, taken to `stage` by its coordinator. */
export async function northwindEnrolment(
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
