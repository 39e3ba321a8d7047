import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/studies.js";
import {
  addCohort,
  addEpoch,
  addEvent,
  createStudy,
  getStudy,
  listStudies,
  removeCohort,
  removeEpoch,
  removeEvent,
  updateCohort,
  updateEpoch,
  updateEvent,
  updateStudy,
} from "../studies.js";

/** The body without its reason, which is recorded with the change but is not a field of the record. */
export function split<T extends { reason?: string | undefined }>(
  body: T,
): [Omit<T, "reason">, string | undefined] {
  const { reason, ...rest } = body;
  return [rest, reason];
}

export function studyRoutes(route: Route): void {
  route(contract.listStudies, async ({ ctx, query }) => ({ studies: await listStudies(ctx, query) }));
  route(contract.createStudy, ({ ctx, body }) => createStudy(ctx, body));
  route(contract.getStudy, ({ ctx, params }) => getStudy(ctx, params.id));
  route(contract.updateStudy, ({ ctx, params, body }) => updateStudy(ctx, params.id, ...split(body)));

  route(contract.addEpoch, ({ ctx, params, body }) => addEpoch(ctx, params.id, ...split(body)));
  route(contract.updateEpoch, ({ ctx, params, body }) =>
    updateEpoch(ctx, params.id, params.itemId, ...split(body)),
  );
  route(contract.removeEpoch, ({ ctx, params, query }) =>
    removeEpoch(ctx, params.id, params.itemId, query.reason),
  );
  route(contract.addCohort, ({ ctx, params, body }) => addCohort(ctx, params.id, ...split(body)));
  route(contract.updateCohort, ({ ctx, params, body }) =>
    updateCohort(ctx, params.id, params.itemId, ...split(body)),
  );
  route(contract.removeCohort, ({ ctx, params, query }) =>
    removeCohort(ctx, params.id, params.itemId, query.reason),
  );
  route(contract.addEvent, ({ ctx, params, body }) => addEvent(ctx, params.id, ...split(body)));
  route(contract.updateEvent, ({ ctx, params, body }) =>
    updateEvent(ctx, params.id, params.itemId, ...split(body)),
  );
  route(contract.removeEvent, ({ ctx, params, query }) =>
    removeEvent(ctx, params.id, params.itemId, query.reason),
  );
}
