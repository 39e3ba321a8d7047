import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../../app.js";
import { contextOf, requireActor } from "../../../platform/auth/http.js";
import { idParam, typed } from "../../../platform/http.js";
import { enrolmentStatuses } from "../schema.js";
import {
  assignCohort,
  completeEnrolment,
  decideEligibility,
  listStudyEnrolments,
  listVolunteerEnrolments,
  screenVolunteer,
  withdrawEnrolment,
} from "./enrolments.js";

// --- input (dates against today and the screening date are checked by the service, naming the field) ---

const reasonText = z.string({ error: "Give a reason." }).trim().max(1000, "Use at most 1,000 characters.");
const screeningInput = z.object({
  volunteerId: z.uuid({ error: "Choose a volunteer." }),
  screeningDate: z.iso.date({ error: "Enter the screening date as YYYY-MM-DD." }),
});
const eligibilityInput = z.object({
  eligible: z.boolean({ error: "Say whether the volunteer is eligible." }),
  reason: reasonText.optional(),
});
const assignmentInput = z.object({
  cohortId: z.uuid({ error: "Choose a cohort." }),
  dosingStart: z.iso.date({ error: "Enter the first dosing day as YYYY-MM-DD." }),
});
/** Withdrawal and completion: the service names `reason` when it is empty, as for ineligibility. */
const reasonInput = z.object({ reason: reasonText.optional() });

// --- output ---

const enrolmentSchema = z.object({
  id: z.string(),
  studyId: z.string(),
  protocolNumber: z.string(),
  studyTitle: z.string(),
  volunteerId: z.string(),
  volunteerDisplayId: z.string(),
  status: z.enum(enrolmentStatuses),
  screeningDate: z.string(),
  statusReason: z.string().nullable(),
  cohortId: z.string().nullable(),
  cohortName: z.string().nullable(),
  subjectNumber: z.string().nullable(),
  dosingStart: z.string().nullable(),
  dosingEnd: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const enrolmentList = z.object({ enrolments: z.array(enrolmentSchema) });

/** Enrolment (issue 4, point 8): screening, eligibility, cohort assignment, withdrawal and completion. */
export function registerEnrolmentRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["sandbox"];

  app.get(
    "/api/sandbox/studies/:id/enrolments",
    { schema: { tags, params: idParam, response: { 200: enrolmentList } } },
    async (request) => ({
      enrolments: await listStudyEnrolments(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
      ),
    }),
  );

  app.post(
    "/api/sandbox/studies/:id/enrolments",
    { schema: { tags, params: idParam, body: screeningInput, response: { 201: enrolmentSchema } } },
    async (request, reply) => {
      const enrolment = await screenVolunteer(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body,
      );
      return reply.status(201).send(enrolment);
    },
  );

  app.post(
    "/api/sandbox/enrolments/:id/eligibility",
    { schema: { tags, params: idParam, body: eligibilityInput, response: { 200: enrolmentSchema } } },
    async (request) =>
      decideEligibility(contextOf(request, deps), requireActor(request), request.params.id, request.body),
  );

  app.post(
    "/api/sandbox/enrolments/:id/assign",
    { schema: { tags, params: idParam, body: assignmentInput, response: { 200: enrolmentSchema } } },
    async (request) =>
      assignCohort(contextOf(request, deps), requireActor(request), request.params.id, request.body),
  );

  app.post(
    "/api/sandbox/enrolments/:id/withdraw",
    { schema: { tags, params: idParam, body: reasonInput, response: { 200: enrolmentSchema } } },
    async (request) =>
      withdrawEnrolment(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body.reason,
      ),
  );

  app.post(
    "/api/sandbox/enrolments/:id/complete",
    { schema: { tags, params: idParam, body: reasonInput, response: { 200: enrolmentSchema } } },
    async (request) =>
      completeEnrolment(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body.reason,
      ),
  );

  app.get(
    "/api/sandbox/volunteers/:id/enrolments",
    { schema: { tags, params: idParam, response: { 200: enrolmentList } } },
    async (request) => ({
      enrolments: await listVolunteerEnrolments(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
      ),
    }),
  );
}
