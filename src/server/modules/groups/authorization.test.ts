/**
 * Who may call the groups routes (the callers and the rules of the matrix:
 * src/server/testing/authorization.ts). Each case builds a fresh group (see matrixGroup).
 */
import { actingAs } from "../../platform/context.js";
import {
  authorizationMatrix,
  community,
  type Expected,
  everyone,
  people,
  putAs,
  type Row,
  signedIn,
  throwawayUser,
  unique,
} from "../../testing/authorization.js";
import { actorOf } from "../accounts/users.js";
import type { GroupSettings } from "./contracts/groups.js";
import { createGroup } from "./groups.js";
import { inviteMember, joinGroup, removeMember, setRole } from "./members.js";
import { startTopic } from "./topics.js";
import { unsubscribeToken } from "./unsubscribe.js";

/**
 * Groups (see matrixGroup): rights come from membership only. The same-organisation member owns the
 * group, the member of another organisation moderates it, the org admin is a plain member and staff
 * are not in it, so staff are refused like any outsider.
 */
const groupMember = (status: number): Expected => ({ ...signedIn(status), staff: 403 });

const groupModerator = (status: number): Expected => ({ ...groupMember(status), orgAdmin: 403 });

const groupOwner = (status: number): Expected => ({ ...groupModerator(status), otherOrg: 403 });

/** A fresh group as groupMember describes it; optionally with the org admin banned, or a throwaway member. */
async function matrixGroup(
  settings: Partial<GroupSettings> = {},
  extra: { banMember?: boolean; extraMember?: boolean; banExtra?: boolean } = {},
) {
  const { northwindMember: owner, contosoMember: moderator, northwindAdmin: member } = people();
  const handle = unique("mx-group");
  const group = await createGroup(actingAs(community().ctx, actorOf(owner)), {
    handle,
    name: "Matrix group",
    ...settings,
  });
  // Invited first, so they join whatever the visibility and join policy.
  for (const person of [moderator, member]) {
    await inviteMember(actingAs(community().ctx, actorOf(owner)), handle, person.email);
    await joinGroup(actingAs(community().ctx, actorOf(person)), handle);
  }
  await setRole(actingAs(community().ctx, actorOf(owner)), handle, moderator.id, "moderator");
  const ban = (userId: string, reason: string) =>
    removeMember(actingAs(community().ctx, actorOf(owner)), handle, userId, { status: "banned", reason });
  if (extra.banMember) await ban(member.id, "Matrix ban");
  let outsiderId = "";
  if (extra.extraMember) {
    const person = await throwawayUser();
    await joinGroup(actingAs(community().ctx, actorOf(person)), handle);
    outsiderId = person.id;
    if (extra.banExtra) await ban(person.id, "Matrix ban");
  }
  return { handle, id: group.id, path: `/api/groups/${handle}`, outsiderId };
}

/** The org admin's unsubscribe link token for a fresh group (they are a plain member of it). */
async function matrixUnsubscribeToken(): Promise<string> {
  const group = await matrixGroup();
  return unsubscribeToken(community().config, group.id, people().northwindAdmin.id);
}

/** A fresh group with a topic the org admin started (pending in a moderated group), with a file and #matrix. */
async function matrixTopic(settings: Partial<GroupSettings> = {}) {
  const group = await matrixGroup(settings);
  const member = people().northwindAdmin;
  const { message } = await startTopic(actingAs(community().ctx, actorOf(member)), group.id, {
    subject: "Matrix topic",
    body: "A topic for the matrix #matrix",
    source: "web",
    attachments: [
      { filename: "matrix.txt", contentType: "text/plain", data: Buffer.from(unique("group file")) },
    ],
  });
  const [attachment] = message.attachments;
  if (!attachment) throw new Error("the group attachment was not linked");
  return { ...group, topicId: message.topicId, messageId: message.id, attachmentUrl: attachment.url };
}

const rows: Row[] = [
  {
    route: "GET /api/groups",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/groups"),
  },
  {
    route: "POST /api/groups",
    expected: signedIn(201),
    call: ({ client }) => client.post("/api/groups", { handle: unique("mx-new"), name: "Matrix new group" }),
  },
  {
    route: "GET /api/groups/search",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/groups/search?q=matrix"),
  },
  {
    route: "GET /api/groups/:handle",
    expected: signedIn(200),
    call: async ({ client }) => client.get((await matrixGroup()).path),
  },
  {
    route: "GET /api/groups/:handle",
    variant: "unlisted group",
    expected: { ...signedIn(200), staff: 404 },
    call: async ({ client }) => client.get((await matrixGroup({ visibility: "unlisted" })).path),
  },
  {
    route: "PATCH /api/groups/:handle",
    expected: groupOwner(200),
    call: async ({ client }) => client.patch((await matrixGroup()).path, { postingPolicy: "moderated" }),
  },
  {
    route: "POST /api/groups/:handle/join",
    expected: { anonymous: 401, sameOrg: 409, otherOrg: 409, orgAdmin: 409, staff: 200 },
    call: async ({ client }) => client.post(`${(await matrixGroup()).path}/join`),
  },
  {
    route: "POST /api/groups/:handle/join",
    variant: "the org admin is banned",
    expected: { anonymous: 401, sameOrg: 409, otherOrg: 409, orgAdmin: 403, staff: 200 },
    call: async ({ client }) => client.post(`${(await matrixGroup({}, { banMember: true })).path}/join`),
  },
  {
    route: "POST /api/groups/:handle/leave",
    expected: { anonymous: 401, sameOrg: 409, otherOrg: 200, orgAdmin: 200, staff: 409 },
    call: async ({ client }) => client.post(`${(await matrixGroup()).path}/leave`),
  },
  {
    route: "PUT /api/groups/:handle/membership",
    expected: groupMember(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixGroup()).path}/membership`, { delivery: "digest" }),
  },
  {
    route: "GET /api/groups/:handle/members",
    expected: groupMember(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/members`),
  },
  {
    route: "POST /api/groups/:handle/invitations",
    expected: groupModerator(201),
    call: async ({ client }) =>
      client.post(`${(await matrixGroup()).path}/invitations`, { email: (await throwawayUser()).email }),
  },
  {
    route: "POST /api/groups/:handle/members/:userId/approve",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const group = await matrixGroup({ joinPolicy: "approval" });
      const person = await throwawayUser();
      await joinGroup(actingAs(community().ctx, actorOf(person)), group.handle);
      return client.post(`${group.path}/members/${person.id}/approve`);
    },
  },
  {
    route: "PATCH /api/groups/:handle/members/:userId",
    expected: groupOwner(200),
    call: async ({ client }) =>
      client.patch(`${(await matrixGroup()).path}/members/${people().northwindAdmin.id}`, {
        role: "moderator",
      }),
  },
  {
    route: "POST /api/groups/:handle/members/:userId/remove",
    expected: groupOwner(200),
    call: async ({ client }) => {
      const { path, outsiderId } = await matrixGroup({}, { extraMember: true });
      return client.post(`${path}/members/${outsiderId}/remove`, {});
    },
  },
  {
    route: "POST /api/groups/:handle/members/:userId/ban",
    expected: groupOwner(200),
    call: async ({ client }) => {
      const { path, outsiderId } = await matrixGroup({}, { extraMember: true });
      return client.post(`${path}/members/${outsiderId}/ban`, { reason: "Matrix ban" });
    },
  },
  {
    route: "POST /api/groups/:handle/members/:userId/unban",
    expected: groupOwner(200),
    call: async ({ client }) => {
      const { path, outsiderId } = await matrixGroup({}, { extraMember: true, banExtra: true });
      return client.post(`${path}/members/${outsiderId}/unban`);
    },
  },
  {
    route: "GET /api/groups/:handle/topics",
    expected: groupMember(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/topics`),
  },
  {
    route: "GET /api/groups/:handle/topics",
    variant: "the org admin is banned",
    expected: { ...groupMember(200), orgAdmin: 403 },
    call: async ({ client }) => client.get(`${(await matrixGroup({}, { banMember: true })).path}/topics`),
  },
  {
    route: "POST /api/groups/:handle/topics",
    expected: groupMember(201),
    call: async ({ client }) =>
      client.post(`${(await matrixGroup()).path}/topics`, { subject: "Matrix topic", body: "Hello #matrix" }),
  },
  {
    route: "POST /api/groups/:handle/topics",
    variant: "announce-only group",
    expected: { ...groupMember(201), orgAdmin: 403 },
    call: async ({ client }) =>
      client.post(`${(await matrixGroup({ postingPolicy: "announce_only" })).path}/topics`, {
        subject: "Matrix news",
        body: "News",
      }),
  },
  {
    route: "GET /api/groups/:handle/topics/:topicId",
    expected: groupMember(200),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.get(`${path}/topics/${topicId}`);
    },
  },
  {
    route: "PATCH /api/groups/:handle/topics/:topicId",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.patch(`${path}/topics/${topicId}`, { pinned: true });
    },
  },
  {
    route: "DELETE /api/groups/:handle/topics/:topicId",
    expected: groupModerator(204),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.delete(`${path}/topics/${topicId}`);
    },
  },
  {
    route: "POST /api/groups/:handle/topics/:topicId/messages",
    expected: groupMember(201),
    call: async ({ client }) => {
      const { path, topicId } = await matrixTopic();
      return client.post(`${path}/topics/${topicId}/messages`, { body: "A matrix reply" });
    },
  },
  {
    route: "GET /api/groups/:handle/messages/:messageId/attachments/:fileId",
    expected: groupMember(200),
    call: async ({ client }) => client.get((await matrixTopic()).attachmentUrl),
  },
  {
    route: "GET /api/groups/:handle/hashtags/:tag",
    expected: groupMember(200),
    call: async ({ client }) => client.get(`${(await matrixTopic()).path}/hashtags/matrix`),
  },
  {
    route: "GET /api/groups/:handle/queue",
    expected: groupModerator(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/queue`),
  },
  {
    route: "POST /api/groups/:handle/queue/:messageId/approve",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const { path, messageId } = await matrixTopic({ postingPolicy: "moderated" });
      return client.post(`${path}/queue/${messageId}/approve`);
    },
  },
  {
    route: "POST /api/groups/:handle/queue/:messageId/reject",
    expected: groupModerator(200),
    call: async ({ client }) => {
      const { path, messageId } = await matrixTopic({ postingPolicy: "moderated" });
      return client.post(`${path}/queue/${messageId}/reject`, { reason: "Matrix rejection" });
    },
  },
  {
    route: "GET /api/groups/:handle/log",
    expected: groupModerator(200),
    call: async ({ client }) => client.get(`${(await matrixGroup()).path}/log`),
  },
  // One-click unsubscribe: the signed token is the authority, so whoever holds it (a mail provider,
  // anyone) gets the same answer, and a forged one is refused the same way for everyone.
  {
    route: "GET /api/groups/unsubscribe",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/groups/unsubscribe?token=${await matrixUnsubscribeToken()}`),
  },
  {
    route: "POST /api/groups/unsubscribe",
    expected: everyone(200),
    call: async ({ client }) =>
      client.post(`/api/groups/unsubscribe?token=${await matrixUnsubscribeToken()}`),
  },
  {
    route: "POST /api/groups/unsubscribe",
    variant: "forged token",
    expected: everyone(400),
    call: async ({ client }) => {
      const [groupId, , signature] = (await matrixUnsubscribeToken()).split(".");
      return client.post(
        `/api/groups/unsubscribe?token=${groupId}.${people().northwindMember.id}.${signature}`,
      );
    },
  },
];

authorizationMatrix(rows);
