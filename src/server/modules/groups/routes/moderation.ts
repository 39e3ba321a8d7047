import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/moderation.js";
import { listModerationLog } from "../log.js";
import { approveMessage, listQueue, rejectMessage } from "../topics.js";

export function moderationRoutes(route: Route): void {
  route(contract.listGroupQueue, async ({ ctx, params }) => ({
    messages: await listQueue(ctx, params.handle),
  }));
  route(contract.approveGroupMessage, ({ ctx, params }) =>
    approveMessage(ctx, params.handle, params.messageId),
  );
  route(contract.rejectGroupMessage, ({ ctx, params, body }) =>
    rejectMessage(ctx, params.handle, params.messageId, body.reason),
  );
  route(contract.listGroupModerationLog, async ({ ctx, params }) => ({
    entries: await listModerationLog(ctx, params.handle),
  }));
}
