import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/enrolments.js";
import {
  assignCohort,
  completeEnrolment,
  decideEligibility,
  listStudyEnrolments,
  listVolunteerEnrolments,
  screenVolunteer,
  withdrawEnrolment,
} from "../enrolments.js";

/** Enrolment: screening, eligibility, cohort assignment, withdrawal and completion. */
export function enrolmentRoutes(route: Route): void {
  route(contract.listStudyEnrolments, async ({ ctx, params }) => ({
    enrolments: await listStudyEnrolments(ctx, params.id),
  }));
  route(contract.screenVolunteer, ({ ctx, params, body }) => screenVolunteer(ctx, params.id, body));
  route(contract.decideEligibility, ({ ctx, params, body }) => decideEligibility(ctx, params.id, body));
  route(contract.assignCohort, ({ ctx, params, body }) => assignCohort(ctx, params.id, body));
  route(contract.withdrawEnrolment, ({ ctx, params, body }) =>
    withdrawEnrolment(ctx, params.id, body.reason),
  );
  route(contract.completeEnrolment, ({ ctx, params, body }) =>
    completeEnrolment(ctx, params.id, body.reason),
  );
  route(contract.listVolunteerEnrolments, async ({ ctx, params }) => ({
    enrolments: await listVolunteerEnrolments(ctx, params.id),
  }));
}
