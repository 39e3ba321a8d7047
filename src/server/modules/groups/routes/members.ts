import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/members.js";
import {
  approveMember,
  inviteMember,
  joinGroup,
  leaveGroup,
  listMembers,
  removeMember,
  setDelivery,
  setRole,
  unbanMember,
} from "../members.js";

export function memberRoutes(route: Route): void {
  route(contract.joinGroup, ({ ctx, params }) => joinGroup(ctx, params.handle));
  route(contract.leaveGroup, ({ ctx, params }) => leaveGroup(ctx, params.handle));
  route(contract.setGroupDelivery, ({ ctx, params, body }) => setDelivery(ctx, params.handle, body.delivery));

  route(contract.listGroupMembers, async ({ ctx, params }) => ({
    members: await listMembers(ctx, params.handle),
  }));
  route(contract.inviteGroupMember, ({ ctx, params, body }) => inviteMember(ctx, params.handle, body.email));
  route(contract.approveGroupMember, ({ ctx, params }) => approveMember(ctx, params.handle, params.userId));
  route(contract.setGroupMemberRole, ({ ctx, params, body }) =>
    setRole(ctx, params.handle, params.userId, body.role),
  );
  route(contract.removeGroupMember, ({ ctx, params, body }) =>
    removeMember(ctx, params.handle, params.userId, { status: "removed", reason: body?.reason ?? null }),
  );
  route(contract.banGroupMember, ({ ctx, params, body }) =>
    removeMember(ctx, params.handle, params.userId, { status: "banned", reason: body.reason }),
  );
  route(contract.unbanGroupMember, ({ ctx, params }) => unbanMember(ctx, params.handle, params.userId));
}
