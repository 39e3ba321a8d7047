import type { Route } from "../../../platform/routes.js";
import * as activity from "../activity.js";
import * as activityContract from "../contracts/activity.js";
import * as participantsContract from "../contracts/participants.js";
import * as contract from "../contracts/projects.js";
import * as searchContract from "../contracts/search.js";
import * as projects from "../projects.js";
import { searchProjects } from "../search.js";

/** Projects, their participants, the activity timelines and search. */
export function projectRoutes(route: Route): void {
  route(contract.listProjects, async ({ ctx, query }) => ({
    projects: await projects.listProjects(ctx, query),
  }));
  route(contract.createProject, ({ ctx, body }) => projects.createProject(ctx, body));
  route(contract.getProject, ({ ctx, params }) => projects.getProjectView(ctx, params.id));
  route(contract.updateProject, ({ ctx, params, body }) => projects.updateProject(ctx, params.id, body));
  route(contract.archiveProject, ({ ctx, params }) => projects.setArchived(ctx, params.id, true));
  route(contract.restoreProject, ({ ctx, params }) => projects.setArchived(ctx, params.id, false));

  route(participantsContract.addParticipant, ({ ctx, params, body: { userId, organisationId } }) =>
    projects.addParticipant(ctx, params.id, userId ? { userId } : { organisationId: organisationId ?? "" }),
  );
  route(participantsContract.removeParticipant, ({ ctx, params }) =>
    projects.removeParticipant(ctx, params.id, params.participantId),
  );

  route(activityContract.listMyActivity, ({ ctx, query }) => activity.listMyActivity(ctx, query));
  route(activityContract.listProjectActivity, ({ ctx, params, query }) =>
    activity.listProjectActivity(ctx, params.id, query),
  );
  route(searchContract.searchProjects, async ({ ctx, query }) => ({
    hits: await searchProjects(ctx, query),
  }));
}
