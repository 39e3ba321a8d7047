/**
 * Live project pages over the real WebSocket: each change reaches, as it happens, the people who may
 * read it (the project's participants and the product team), and nobody else; staff-only items reach
 * the product team alone, and so does who is editing a staff-only document.
 */
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { connectRealtime, type RealtimeClient } from "../../testing/realtime.js";
import { createUser } from "../accounts/users.js";
import { ticketChanged } from "../desk/contracts/tickets.js";
import { projectChanged } from "./contracts/activity.js";
import { documentEditing, documentSaved } from "./contracts/documents.js";

let community: TestCommunity;
let staff: Client;
/** A second member of the product team, who sees what the first does on staff-only items. */
let colleagueStaff: Client;
/** member@northwind.example and member@contoso.example: their organisations take part. */
let northwind: Client;
let contoso: Client;
/** dev@fabrikam.example: Fabrikam is not in the project. */
let outsider: Client;
let projectId: string;
let baseUrl: string;
const sockets = new Map<Client, RealtimeClient>();
const socketOf = (client: Client): RealtimeClient => {
  const socket = sockets.get(client);
  if (!socket) throw new Error("no socket for this client");
  return socket;
};

/** The harness has no PUT; this one sends the same session and CSRF headers as its POST. */
const put = (client: Client, url: string, body: object): Promise<LightMyRequestResponse> =>
  community.app.inject({
    method: "PUT",
    url,
    headers: { cookie: client.cookie ?? "", [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
    payload: body,
  });

async function created<T>(response: Promise<LightMyRequestResponse>): Promise<T> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBeLessThan(300);
  return answer.json() as T;
}

const changesOf = (client: Client, itemId: string) =>
  socketOf(client)
    .events(projectChanged)
    .filter((frame) => frame.payload.itemId === itemId)
    .map((frame) => frame.payload.verb);

/**
 * A change the person is told of, made after the one they must not hear of: events reach a socket in
 * the order they were written, so once this one is in, the other would be too.
 */
async function markerFor(client: Client): Promise<void> {
  const ticket = await created<{ id: string }>(
    client.post("/api/desk/tickets", {
      type: "support_question",
      subject: "A marker for the live tests",
      description: "Only its event matters here.",
    }),
  );
  await socketOf(client).waitForEvent(ticketChanged, ({ ticketId }) => ticketId === ticket.id);
}

beforeAll(async () => {
  community = await startTestCommunity();
  await createUser(community.ctx, {
    email: "second.staff@vendor.example",
    name: "Stella Second",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.vendor.id,
    isStaff: true,
  });
  staff = await community.signIn("staff@vendor.example");
  colleagueStaff = await community.signIn("second.staff@vendor.example");
  northwind = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  outsider = await community.signIn("dev@fabrikam.example");
  const project = await created<{ id: string }>(
    staff.post("/api/projects", {
      name: "Live pages",
      purpose: "Changes as they happen.",
      startsOn: "2026-01-01",
    }),
  );
  projectId = project.id;
  for (const organisation of [community.demo.organisations.northwind, community.demo.organisations.contoso])
    await created(staff.post(`/api/projects/${projectId}/participants`, { organisationId: organisation.id }));
  baseUrl = await community.listen();
  for (const client of [staff, colleagueStaff, northwind, contoso, outsider])
    sockets.set(client, await connectRealtime({ baseUrl, cookie: client.cookie ?? "" }));
});
afterAll(async () => {
  for (const socket of sockets.values()) await socket.close();
  await community?.close();
});

describe("live project pages", () => {
  it("tell the project's people and the product team of a post and its comments, and nobody outside it", async () => {
    const post = await created<{ id: string }>(
      northwind.post(`/api/projects/${projectId}/posts`, {
        category: "question",
        title: "Do labels print on 4 x 2 stock?",
        body: "Asking before we order.",
      }),
    );
    for (const client of [contoso, staff, colleagueStaff])
      await socketOf(client).waitForEvent(projectChanged, ({ itemId }) => itemId === post.id);
    await created(
      contoso.post(`/api/projects/${projectId}/posts/${post.id}/comments`, { body: "They do, we tried." }),
    );
    await socketOf(northwind).waitFor(() => changesOf(northwind, post.id).includes("comment_added"));
    expect(changesOf(northwind, post.id)).toEqual(["post_created", "comment_added"]);

    await markerFor(outsider);
    expect(socketOf(outsider).events(projectChanged)).toEqual([]);
  });

  it("tell the product team alone of a staff-only post, with what customers hear of it left out", async () => {
    const hidden = await created<{ id: string }>(
      staff.post(`/api/projects/${projectId}/posts`, {
        category: "fyi",
        title: "Pricing we have not announced",
        body: "Staff only.",
        visibility: "staff",
      }),
    );
    await socketOf(colleagueStaff).waitForEvent(projectChanged, ({ itemId }) => itemId === hidden.id);
    await markerFor(contoso);
    await markerFor(northwind);
    expect(changesOf(contoso, hidden.id)).toEqual([]);
    expect(changesOf(northwind, hidden.id)).toEqual([]);
  });

  it("say who saved which version of a document, to everyone who may read it", async () => {
    const doc = await created<{ id: string; version: number }>(
      staff.post(`/api/projects/${projectId}/documents`, { title: "Label sizes", body: "4 x 2 inch" }),
    );
    await created(
      put(contoso, `/api/projects/${projectId}/documents/${doc.id}`, {
        title: "Label sizes",
        body: "4 x 2 inch, or 3 x 1",
        baseVersion: doc.version,
      }),
    );
    const saved = await socketOf(northwind).waitForEvent(
      documentSaved,
      ({ documentId }) => documentId === doc.id,
    );
    expect(saved.payload).toEqual({
      projectId,
      documentId: doc.id,
      version: 2,
      by: { id: community.demo.people.contosoMember.id, name: community.demo.people.contosoMember.name },
    });
    await socketOf(staff).waitForEvent(documentSaved, ({ documentId }) => documentId === doc.id);
    await markerFor(outsider);
    expect(socketOf(outsider).events(documentSaved)).toEqual([]);
  });

  it("tell the product team alone of a staff-only document's saves", async () => {
    const doc = await created<{ id: string; version: number }>(
      staff.post(`/api/projects/${projectId}/documents`, {
        title: "Renewal terms",
        body: "Draft",
        visibility: "staff",
      }),
    );
    await created(
      put(staff, `/api/projects/${projectId}/documents/${doc.id}`, {
        title: "Renewal terms",
        body: "Draft 2",
        baseVersion: doc.version,
      }),
    );
    await socketOf(colleagueStaff).waitForEvent(documentSaved, ({ documentId }) => documentId === doc.id);
    await markerFor(contoso);
    expect(
      socketOf(contoso)
        .events(documentSaved)
        .filter((frame) => frame.payload.documentId === doc.id),
    ).toEqual([]);
    expect(changesOf(contoso, doc.id)).toEqual([]);
  });

  it("tell the product team, and not the other participants, of an answer to a feedback round", async () => {
    const round = await created<{ id: string }>(
      staff.post(`/api/projects/${projectId}/rounds`, {
        title: "First impressions",
        questions: [{ kind: "rating", prompt: "How easy was it?", required: true }],
        opensAt: new Date(Date.now() - 3_600_000).toISOString(),
        closesAt: new Date(Date.now() + 24 * 3_600_000).toISOString(),
        answerScope: "organisation",
      }),
    );
    // Opening the round is for everyone in the project.
    await socketOf(contoso).waitForEvent(projectChanged, ({ itemId }) => itemId === round.id);
    await created(
      put(northwind, `/api/projects/${projectId}/rounds/${round.id}/response`, { answers: { q1: 4 } }),
    );
    await socketOf(staff).waitFor(() =>
      socketOf(staff)
        .events(projectChanged)
        .some(({ payload }) => payload.itemId === round.id && payload.verb === "answer_submitted"),
    );
    await markerFor(contoso);
    expect(changesOf(contoso, round.id)).toEqual(["round_opened"]);
  });

  it("show who is editing a document to the others reading it, a staff-only one's to staff alone", async () => {
    const shared = await created<{ id: string }>(
      staff.post(`/api/projects/${projectId}/documents`, { title: "Shared notes", body: "" }),
    );
    const staffOnly = await created<{ id: string }>(
      staff.post(`/api/projects/${projectId}/documents`, {
        title: "Staff notes",
        body: "",
        visibility: "staff",
      }),
    );
    expect(await socketOf(contoso).watch(documentEditing, shared.id)).toBe(true);
    expect(await socketOf(contoso).watch(documentEditing, staffOnly.id)).toBe(false);
    expect(await socketOf(outsider).watch(documentEditing, shared.id)).toBe(false);
    expect(await socketOf(outsider).watch(documentEditing, "not-a-document")).toBe(false);
    expect(await socketOf(staff).watch(documentEditing, staffOnly.id)).toBe(true);
    expect(await socketOf(staff).watch(documentEditing, shared.id)).toBe(true);
    expect(await socketOf(colleagueStaff).watch(documentEditing, staffOnly.id)).toBe(true);
    expect(await socketOf(colleagueStaff).watch(documentEditing, shared.id)).toBe(true);

    // A customer who was refused may not tell anyone either. A socket's frames are handled in order, so
    // once the answer to the next watch is in, the refused signal was dealt with.
    socketOf(contoso).tellActivity(documentEditing, staffOnly.id, "active");
    await socketOf(contoso).watch(documentEditing, shared.id);
    socketOf(staff).tellActivity(documentEditing, staffOnly.id, "active");
    const editing = await socketOf(colleagueStaff).waitFor(
      (frame) => frame.type === "activity" && frame.scope === `${documentEditing.name}:${staffOnly.id}`,
    );
    expect(editing).toMatchObject({
      state: "active",
      userId: community.demo.people.staff.id,
      name: "Sam Staff",
    });
    // Signals from one socket arrive in the order sent: once the shared document's is in, the other would be.
    socketOf(staff).tellActivity(documentEditing, shared.id, "active");
    await socketOf(contoso).waitFor((frame) => frame.type === "activity");
    expect(socketOf(contoso).activity(documentEditing, staffOnly.id)).toEqual([]);
    expect(socketOf(contoso).activity(documentEditing, shared.id)).toMatchObject([
      { state: "active", name: "Sam Staff" },
    ]);
    expect(socketOf(outsider).activity(documentEditing, shared.id)).toEqual([]);
    // Nobody is told of their own editing.
    expect(socketOf(staff).activity(documentEditing, staffOnly.id)).toEqual([]);
    expect(
      socketOf(colleagueStaff)
        .activity(documentEditing, staffOnly.id)
        .map((frame) => frame.userId),
    ).toEqual([community.demo.people.staff.id]);

    socketOf(staff).tellActivity(documentEditing, shared.id, "stopped");
    await socketOf(contoso).waitFor((frame) => frame.type === "activity" && frame.state === "stopped");
  });

  it("tell the others that someone stopped editing when their page closes", async () => {
    const doc = await created<{ id: string }>(
      staff.post(`/api/projects/${projectId}/documents`, { title: "Closing notes", body: "" }),
    );
    const leaving = await connectRealtime({ baseUrl, cookie: northwind.cookie ?? "" });
    expect(await leaving.watch(documentEditing, doc.id)).toBe(true);
    expect(await socketOf(contoso).watch(documentEditing, doc.id)).toBe(true);
    leaving.tellActivity(documentEditing, doc.id, "active");
    const states = () =>
      socketOf(contoso)
        .activity(documentEditing, doc.id)
        .map((frame) => frame.state);
    await socketOf(contoso).waitFor(() => states().length === 1);
    await leaving.close();
    await socketOf(contoso).waitFor(() => states().length === 2);
    expect(states()).toEqual(["active", "stopped"]);
  });
});
