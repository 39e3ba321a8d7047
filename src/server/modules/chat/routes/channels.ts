import type { Route } from "../../../platform/routes.js";
import {
  addMember,
  arriveInChat,
  createChannel,
  joinChannel,
  leaveChannel,
  listChannels,
  listMembers,
  markRead,
  openDirectMessage,
  updateChannel,
} from "../channels.js";
import * as contract from "../contracts/channels.js";

export function channelRoutes(route: Route): void {
  route(contract.listChannels, async ({ ctx }) => ({ channels: await listChannels(ctx) }));
  route(contract.arriveInChat, ({ ctx }) => arriveInChat(ctx));
  route(contract.createChannel, ({ ctx, body }) => createChannel(ctx, body));
  route(contract.updateChannel, ({ ctx, params, body }) => updateChannel(ctx, params.id, body));
  route(contract.joinChannel, ({ ctx, params }) => joinChannel(ctx, params.id));
  route(contract.leaveChannel, ({ ctx, params }) => leaveChannel(ctx, params.id));
  route(contract.listChannelMembers, async ({ ctx, params }) => ({
    members: await listMembers(ctx, params.id),
  }));
  route(contract.addChannelMember, async ({ ctx, params, body }) => ({
    members: await addMember(ctx, params.id, body.userId),
  }));
  route(contract.openDirectMessage, ({ ctx, body }) => openDirectMessage(ctx, body.userIds));
  route(contract.markChannelRead, ({ ctx, params, body }) => markRead(ctx, params.id, body.seq));
}
