import type { APIRequestContext, Browser } from "playwright-core";
import { expect } from "vitest";
import { newPage, signIn } from "../browser.js";

/** Writes through the API carry the CSRF header, as the web app's own client sends it. */
export const csrf = { "x-convene-csrf": "1" };
const today = () => new Date().toISOString().slice(0, 10);

/** Signs in through the form and accepts the agreement in force through the API, if not yet accepted. */
export async function apiAs(browser: Browser, email: string): Promise<APIRequestContext> {
  const page = await newPage(browser);
  await signIn(page, email);
  const agreement = await (await page.request.get("/api/sandbox/agreement")).json();
  if (!agreement.acceptedAt) {
    const accepted = await page.request.post("/api/sandbox/agreement/accept", {
      data: { agreementId: agreement.id },
      headers: csrf,
    });
    expect(accepted.status(), await accepted.text()).toBe(200);
  }
  return page.request;
}

/**
 * The demo has no enrolled volunteer, and only an enrolment makes one: Northwind's study coordinator
 * screens a demo volunteer into NW-101, finds them eligible and assigns Cohort 1. Volunteers are tried
 * from the end of a page of the list, as another spec may already have screened the first ones.
 */
export async function enrolSubjectInCohort1(
  browser: Browser,
): Promise<{ volunteerId: string; subjectNumber: string }> {
  const coordinator = await apiAs(browser, "admin@northwind.example");
  const { studies } = await (await coordinator.get("/api/sandbox/studies?q=NW-101")).json();
  const study = studies.find(
    (candidate: { protocolNumber: string }) => candidate.protocolNumber === "NW-101",
  );
  const { cohorts } = await (await coordinator.get(`/api/sandbox/studies/${study.id}`)).json();
  const cohort1 = cohorts.find((cohort: { name: string }) => cohort.name === "Cohort 1");
  const { volunteers } = await (await coordinator.get("/api/sandbox/volunteers?limit=50")).json();
  for (const volunteer of volunteers.reverse()) {
    const screened = await coordinator.post(`/api/sandbox/studies/${study.id}/enrolments`, {
      data: { volunteerId: volunteer.id, screeningDate: today() },
      headers: csrf,
    });
    if (screened.status() !== 201) continue;
    const enrolment = await screened.json();
    const eligible = await coordinator.post(`/api/sandbox/enrolments/${enrolment.id}/eligibility`, {
      data: { eligible: true },
      headers: csrf,
    });
    expect(eligible.status(), await eligible.text()).toBe(200);
    const assigned = await coordinator.post(`/api/sandbox/enrolments/${enrolment.id}/assign`, {
      data: { cohortId: cohort1.id, dosingStart: today() },
      headers: csrf,
    });
    expect(assigned.status(), await assigned.text()).toBe(200);
    const { volunteerId, subjectNumber } = await assigned.json();
    return { volunteerId, subjectNumber };
  }
  throw new Error("No demo volunteer could be screened for NW-101");
}
