import type { Route } from "../../../../platform/routes.js";
import {
  acceptAgreement,
  createAgreementDraft,
  getAgreementVersion,
  getCurrentAgreement,
  listAcceptances,
  listAgreementVersions,
  publishAgreement,
  updateAgreementDraft,
} from "../agreement.js";
import * as contract from "../contracts/agreement.js";

export function agreementRoutes(route: Route): void {
  route(contract.getCurrentAgreement, ({ ctx }) => getCurrentAgreement(ctx));
  route(contract.acceptAgreement, ({ ctx, body, request }) =>
    acceptAgreement(ctx, body.agreementId, request.headers["user-agent"] ?? null),
  );
  route(contract.listAgreementVersions, async ({ ctx }) => ({ versions: await listAgreementVersions(ctx) }));
  route(contract.createAgreementDraft, ({ ctx, body }) => createAgreementDraft(ctx, body));
  route(contract.getAgreementVersion, ({ ctx, params }) => getAgreementVersion(ctx, params.id));
  route(contract.updateAgreementDraft, ({ ctx, params, body }) => updateAgreementDraft(ctx, params.id, body));
  route(contract.publishAgreement, ({ ctx, params }) => publishAgreement(ctx, params.id));
  route(contract.listAcceptances, async ({ ctx, params }) => ({
    acceptances: await listAcceptances(ctx, params.id),
  }));
}
