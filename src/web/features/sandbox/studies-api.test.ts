import { afterEach, describe, expect, it, vi } from "vitest";
import { type SandboxRole, sandboxRoles } from "../../../server/modules/sandbox/access/contracts/users.js";
import { canCreateStudy, enrolmentChangeRefusal } from "../../../server/modules/sandbox/clinical/policy.js";
import type { Actor } from "../../../server/platform/context.js";
import { auditQuery, mayCreateStudies, mayEnrol, type StudySummary, studiesApi } from "./studies-api.js";

const NORTHWIND = "0194f7a0-0000-7000-8000-00000000000a";
const CONTOSO = "0194f7a0-0000-7000-8000-00000000000b";

const study = { organisation: { id: NORTHWIND, name: "Northwind" } } as StudySummary;
const actorIn = (organisationId: string, isStaff = false): Actor => ({
  id: "0194f7a0-0000-7000-8000-000000000001",
  email: "someone@example.test",
  name: "Someone",
  organisationId,
  isStaff,
  isOrgAdmin: false,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("which study controls the pages offer", () => {
  const roles: (SandboxRole | "staff")[] = [...sandboxRoles, "staff"];

  it("offers screening and enrolment to exactly those the server lets change enrolments, in either organisation", () => {
    for (const role of roles) {
      for (const organisationId of [NORTHWIND, CONTOSO]) {
        const actor = actorIn(organisationId, role === "staff");
        const serverAllows =
          enrolmentChangeRefusal(actor, role, { organisationId: NORTHWIND }, "Northwind") === null;
        expect(mayEnrol(role, organisationId, study), `${role} in ${organisationId}`).toBe(serverAllows);
      }
    }
  });

  it("offers New study to exactly the roles the server lets add studies, and not to someone without a role", () => {
    for (const role of roles) expect(mayCreateStudies(role), role).toBe(canCreateStudy(role));
    expect(mayCreateStudies(null)).toBe(false);
  });
});

describe("the study requests", () => {
  it("names a study's trail in the CSV link and leaves out what is not set", () => {
    expect(auditQuery({ studyId: NORTHWIND })).toBe(`studyId=${NORTHWIND}`);
    expect(auditQuery({ recordType: "volunteer", recordId: CONTOSO, studyId: "" })).toBe(
      `recordType=volunteer&recordId=${CONTOSO}`,
    );
  });

  it("sends a removal's reason in the query string, since a DELETE carries no body, and none when not given", async () => {
    const fetchMock = vi.fn(async (_path: string, _init: RequestInit) => new Response("{}", { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    await studiesApi.removeItem(NORTHWIND, "events", CONTOSO, "Moved to day 3 & merged");
    await studiesApi.removeItem(NORTHWIND, "cohorts", CONTOSO);
    expect(fetchMock.mock.calls.map(([path, init]) => [init.method, path])).toEqual([
      ["DELETE", `/api/sandbox/studies/${NORTHWIND}/events/${CONTOSO}?reason=Moved+to+day+3+%26+merged`],
      ["DELETE", `/api/sandbox/studies/${NORTHWIND}/cohorts/${CONTOSO}`],
    ]);
  });
});
