import { sendStoredFile } from "../../../platform/files/download.js";
import { readUpload } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/feedback.js";
import * as feedback from "../feedback.js";

const toDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

/** Feedback rounds of a project: staff run them, participants answer, staff triage and summarise. */
export function feedbackRoutes(route: Route): void {
  route(contract.listRounds, async ({ ctx, params }) => ({
    rounds: await feedback.listRounds(ctx, params.id),
  }));
  route(contract.createRound, ({ ctx, params, body: { opensAt, closesAt, ...input } }) =>
    feedback.createRound(ctx, params.id, {
      ...input,
      opensAt: new Date(opensAt),
      closesAt: new Date(closesAt),
    }),
  );
  route(contract.getRound, ({ ctx, params }) => feedback.getRound(ctx, params.id, params.roundId));
  route(contract.updateRound, ({ ctx, params, body: { opensAt, closesAt, ...changes } }) =>
    feedback.updateRound(ctx, params.id, params.roundId, {
      ...changes,
      opensAt: toDate(opensAt),
      closesAt: toDate(closesAt),
    }),
  );
  route(contract.saveResponse, ({ ctx, params, body }) =>
    feedback.saveResponse(ctx, params.id, params.roundId, {
      answers: body.answers,
      baseUpdatedAt: toDate(body.baseUpdatedAt),
    }),
  );
  route(contract.attachResponseFile, async ({ ctx, params, request }) =>
    feedback.attachResponseFile(ctx, params.id, params.roundId, await readUpload(request, ctx.config)),
  );
  route(contract.downloadResponseFile, async ({ ctx, params, reply }) => {
    const { id: projectId, roundId, responseId, fileId } = params;
    const file = await feedback.loadResponseFile(ctx, { projectId, roundId, responseId, fileId });
    return sendStoredFile(reply, ctx.config, file);
  });
  route(contract.listResponses, async ({ ctx, params }) => ({
    responses: await feedback.listResponses(ctx, params.id, params.roundId),
  }));
  route(contract.triageResponse, ({ ctx, params: { id: projectId, roundId, responseId }, body }) =>
    feedback.triageResponse(ctx, { projectId, roundId, responseId }, body),
  );
  route(contract.getRoundResults, ({ ctx, params }) => feedback.roundResults(ctx, params.id, params.roundId));
  route(contract.publishSummaryPost, ({ ctx, params, body }) =>
    feedback.publishSummaryPost(ctx, params.id, params.roundId, body?.category ?? "announcement"),
  );
  route(contract.downloadResponsesCsv, async ({ ctx, params, reply }) => {
    const { filename, csv } = await feedback.responsesCsv(ctx, params.id, params.roundId);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${filename}"`)
      .send(csv);
  });
}
