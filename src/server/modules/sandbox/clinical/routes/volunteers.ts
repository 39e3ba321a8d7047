import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/volunteers.js";
import {
  createVolunteer,
  getVolunteer,
  listVolunteers,
  removeVolunteer,
  updateVolunteer,
} from "../volunteers.js";
import { split } from "./studies.js";

export function volunteerRoutes(route: Route): void {
  route(contract.listVolunteers, ({ ctx, query: { display, ...filters } }) =>
    listVolunteers(ctx, filters, { display }),
  );
  route(contract.createVolunteer, ({ ctx, query, body }) =>
    createVolunteer(ctx, body, { display: query.display }),
  );
  route(contract.getVolunteer, ({ ctx, params, query }) =>
    getVolunteer(ctx, params.id, { display: query.display }),
  );
  route(contract.updateVolunteer, ({ ctx, params, query, body }) =>
    updateVolunteer(ctx, params.id, ...split(body), { display: query.display }),
  );
  route(contract.removeVolunteer, ({ ctx, params, query }) => removeVolunteer(ctx, params.id, query.reason));
}
