/**
 * Who may call the sandbox's clinical routes: studies, volunteers, enrolments, transfer and audit (the
 * callers and the rules of the matrix: src/server/testing/authorization.ts).
 */
import {
  acceptAs,
  activeNorthwindStudy,
  authorizationMatrix,
  community,
  type Expected,
  matrixVolunteer,
  matrixVolunteerInput,
  northwindEnrolment,
  northwindStudy,
  type Row,
  sandboxReaders,
  unique,
  volunteerWriters,
} from "../../../testing/authorization.js";

/**
 * Studies: every sandbox user reads (see sandboxReaders); the Northwind org admin is Northwind's study
 * coordinator, the same-organisation member an investigator (reads only), the Contoso member Contoso's
 * coordinator (adds Contoso studies, cannot change Northwind's).
 */
const northwindStudyWriters = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: status,
  staff: status,
});

/** An export file with one fresh study design, as GET /api/sandbox/studies/export writes it. */
const matrixStudyExport = () => ({
  format: "convene-studies/1",
  exportedAt: new Date().toISOString(),
  organisation: { id: community().demo.organisations.northwind.id, name: "Northwind" },
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

const rows: Row[] = [
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
];

authorizationMatrix(rows);
