import { afterEach, describe, expect, it, vi } from "vitest";
import { normaliseDose } from "../../../server/modules/pharmacy/dispensing.js";
import {
  dispensingRefusal,
  pharmacyChangeRefusal,
  PHARMACY_FLAG as SERVER_PHARMACY_FLAG,
} from "../../../server/modules/pharmacy/policy.js";
import { type SandboxRole, sandboxRoles } from "../../../server/modules/sandbox/access/contracts/users.js";
import type { Actor } from "../../../server/platform/context.js";
import {
  isSwitchedOff,
  labelUrl,
  mayChangePharmacy,
  mayDispense,
  PHARMACY_FLAG,
  pharmacyApi,
  sameDose,
} from "./api.js";

const NORTHWIND = "0194f7a0-0000-7000-8000-00000000000a";
const CONTOSO = "0194f7a0-0000-7000-8000-00000000000b";
const CONTAINER = "0194f7a0-0000-7000-8000-0000000000c1";

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

describe("which pharmacy controls the pages offer", () => {
  const roles: (SandboxRole | "staff")[] = [...sandboxRoles, "staff"];

  it("offers adding products, receiving lots and moving containers to exactly the roles the server lets change the pharmacy", () => {
    for (const role of roles)
      expect(mayChangePharmacy(role), role).toBe(pharmacyChangeRefusal(role) === null);
    expect(mayChangePharmacy(null)).toBe(false);
  });

  it("offers dispensing for a study to exactly those the server lets dispense to its subjects, in either organisation", () => {
    const study = { protocolNumber: "NW-101", organisationId: NORTHWIND };
    for (const role of roles) {
      for (const organisationId of [NORTHWIND, CONTOSO]) {
        const serverAllows =
          dispensingRefusal(actorIn(organisationId, role === "staff"), role, study, "Northwind") === null;
        expect(mayDispense(role, organisationId, NORTHWIND), `${role} in ${organisationId}`).toBe(
          serverAllows,
        );
      }
    }
  });

  it("asks for a reason for exactly the doses the server counts as other than the cohort's", () => {
    const cohortDose = "10 mg NWX-12 oral";
    for (const dose of [
      "10 mg NWX-12 oral",
      "  10 MG   nwx-12 Oral ",
      "20 mg NWX-12 oral",
      "10 mg NWX-12",
      "",
    ])
      expect(sameDose(dose, cohortDose), JSON.stringify(dose)).toBe(
        normaliseDose(dose) === normaliseDose(cohortDose),
      );
  });

  it("watches the flag the server guards the pharmacy with", () => {
    expect(PHARMACY_FLAG).toBe(SERVER_PHARMACY_FLAG);
  });
});

describe("the pharmacy requests", () => {
  it("tells a switched-off pharmacy apart from other failures", async () => {
    const answers = [
      { status: 404, code: "feature_disabled" },
      { status: 404, code: "not_found" },
    ];
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        const { status, code } = answers.shift() ?? { status: 500, code: "internal" };
        return new Response(JSON.stringify({ error: { code, message: "No." } }), { status });
      }),
    );
    const failures = [
      await pharmacyApi.move(CONTAINER, "storage").catch((error: unknown) => error),
      await pharmacyApi.move(CONTAINER, "storage").catch((error: unknown) => error),
    ];
    expect(failures.map(isSwitchedOff)).toEqual([true, false]);
  });

  it("moves a container with the CSRF header and links its label by id", async () => {
    const fetchMock = vi.fn(async (_path: string, _init: RequestInit) => new Response("{}", { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    await pharmacyApi.move(CONTAINER, "dispense");
    const [path, init] = fetchMock.mock.calls[0] ?? [];
    expect(path).toBe(`/api/sandbox/pharmacy/containers/${CONTAINER}/move`);
    expect(init).toMatchObject({
      method: "POST",
      headers: { "x-convene-csrf": "1" },
      body: JSON.stringify({ to: "dispense" }),
    });
    expect(labelUrl(CONTAINER)).toBe(`/api/sandbox/pharmacy/containers/${CONTAINER}/label.svg`);
  });
});
