/**
 * Who may call the ideas routes (the callers and the rules of the matrix: src/server/testing/authorization.ts).
 * Ideas are the whole community's: every signed-in person reads, posts, votes and comments, whatever
 * their organisation; only the product team decides (status, merge, tickets).
 */

import { actingAs } from "../../platform/context.js";
import {
  asStaffCtx,
  authorizationMatrix,
  community,
  northwindResource,
  people,
  type Row,
  signedIn,
  staffOnly,
  unique,
} from "../../testing/authorization.js";
import { actorOf } from "../accounts/index.js";
import { postAnnouncement } from "../chat/index.js";
import { linkTicket } from "./decisions.js";
import { createIdea } from "./ideas.js";

const ideaInput = () => ({
  title: unique("Matrix idea"),
  problem: "Something to improve.",
  module: "desk" as const,
});

/** An idea by the Northwind member: nothing about it is private to Northwind. */
const northwindIdea = () =>
  createIdea(actingAs(community().ctx, actorOf(people().northwindMember)), ideaInput());

/** An idea with the demo's ticket #1 linked to it. */
async function ideaWithTicket() {
  const idea = await linkTicket(asStaffCtx(), (await northwindIdea()).id, 1);
  const [ticket] = idea.tickets;
  if (!ticket) throw new Error("ticket #1 was not linked");
  return { idea, ticketId: ticket.id };
}

/** A message everyone signed in may read: one in #announcements. */
const announcement = async () =>
  (await postAnnouncement(asStaffCtx(), { clientId: unique("matrix-announcement"), body: "Matrix notice." }))
    .messageId;

/** The demo's ticket #1, Northwind's, shared with its organisation. */
const northwindTicketId = async () => (await ideaWithTicket()).ticketId;

const rows: Row[] = [
  {
    route: "GET /api/ideas",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/ideas?status=planned"),
  },
  {
    route: "POST /api/ideas",
    expected: signedIn(201),
    call: ({ client }) => client.post("/api/ideas", ideaInput()),
  },
  {
    route: "GET /api/ideas/:id",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/ideas/${(await northwindIdea()).id}`),
  },
  {
    route: "PUT /api/ideas/:id/vote",
    expected: signedIn(200),
    call: async ({ client }) => client.put(`/api/ideas/${(await northwindIdea()).id}/vote`),
  },
  {
    route: "DELETE /api/ideas/:id/vote",
    expected: signedIn(200),
    call: async ({ client }) => client.delete(`/api/ideas/${(await northwindIdea()).id}/vote`),
  },
  {
    route: "POST /api/ideas/:id/comments",
    expected: signedIn(201),
    call: async ({ client }) =>
      client.post(`/api/ideas/${(await northwindIdea()).id}/comments`, { body: "Agreed." }),
  },
  {
    route: "POST /api/ideas/:id/messages",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.post(`/api/ideas/${(await northwindIdea()).id}/messages`, { messageId: await announcement() }),
  },
  {
    route: "GET /api/desk/tickets/:id/ideas",
    expected: northwindResource(200),
    call: async ({ client }) => client.get(`/api/desk/tickets/${await northwindTicketId()}/ideas`),
  },
  {
    route: "GET /api/admin/ideas/link-options",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/ideas/link-options"),
  },
  {
    route: "PUT /api/admin/ideas/:id/status",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.put(`/api/admin/ideas/${(await northwindIdea()).id}/status`, { status: "planned" }),
  },
  {
    route: "POST /api/admin/ideas/:id/merge",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/admin/ideas/${(await northwindIdea()).id}/merge`, {
        targetId: (await northwindIdea()).id,
      }),
  },
  {
    route: "POST /api/admin/ideas/:id/tickets",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/admin/ideas/${(await northwindIdea()).id}/tickets`, { ticketNumber: 1 }),
  },
  {
    route: "DELETE /api/admin/ideas/:id/tickets/:ticketId",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const { idea, ticketId } = await ideaWithTicket();
      return client.delete(`/api/admin/ideas/${idea.id}/tickets/${ticketId}`);
    },
  },
];

authorizationMatrix(rows);
