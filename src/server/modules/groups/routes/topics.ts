import { filesOf } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/topics.js";
import { listTopics, removeTopic, startTopicIn, updateTopic, viewTopic } from "../topics.js";

export function topicRoutes(route: Route): void {
  route(contract.listGroupTopics, async ({ ctx, params }) => ({
    topics: await listTopics(ctx, params.handle),
  }));
  route(contract.startGroupTopic, ({ ctx, params, body, request }) =>
    startTopicIn(ctx, params.handle, body, filesOf(request)),
  );
  route(contract.getGroupTopic, ({ ctx, params }) => viewTopic(ctx, params.handle, params.topicId));
  route(contract.updateGroupTopic, ({ ctx, params, body }) =>
    updateTopic(ctx, params.handle, params.topicId, body),
  );
  route(contract.removeGroupTopic, ({ ctx, params, body }) =>
    removeTopic(ctx, params.handle, params.topicId, body?.reason ?? null),
  );
}
