/**
 * Who may call the collaboration projects' routes (the callers and the rules of the matrix:
 * src/server/testing/authorization.ts). A fresh project per case, made by staff, with Northwind taking part
 * whole; Contoso (the other organisation) is not in it and is told it does not exist.
 */
import { actingAs } from "../../platform/context.js";
import {
  asStaff,
  authorizationMatrix,
  ctxAs,
  type Expected,
  northwind,
  people,
  putAs,
  type Row,
  signedIn,
  staffOnly,
  unique,
} from "../../testing/authorization.js";
import { actorOf } from "../accounts/users.js";
import { createDocument, updateDocument } from "./documents.js";
import { attachResponseFile, createRound, saveResponse } from "./feedback.js";
import { uploadFile } from "./files.js";
import { attachToPost, createPost } from "./posts.js";
import { addParticipant, createProject, setArchived } from "./projects.js";

/** Everyone in the project (both Northwind callers) and staff; anyone else is told it does not exist. */
const projectParticipantsOnly = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: refused.orgAdmin ?? status,
  staff: status,
});

/** A staff-only item: every customer, in the project or not, is told it does not exist. */
const staffOnlyItem = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 404,
  otherOrg: 404,
  orgAdmin: 404,
  staff: status,
});

async function matrixProject(options: { archived?: boolean } = {}) {
  const { ctx, actor } = asStaff();
  const project = await createProject(actingAs(ctx, actor), {
    name: unique("Matrix project"),
    purpose: "A project for the authorization matrix.",
    startsOn: "2026-04-01",
  });
  const participant = await addParticipant(actingAs(ctx, actor), project.id, {
    organisationId: northwind().id,
  });
  if (options.archived) await setArchived(actingAs(ctx, actor), project.id, true);
  return { projectId: project.id, participantId: participant.id };
}

/** A fresh post in a fresh project: by the same-organisation member, or a staff-only one by staff. */
async function matrixPost(visibility: "project" | "staff" = "project") {
  const { projectId } = await matrixProject();
  const author = visibility === "staff" ? people().staff : people().northwindMember;
  const post = await createPost(actingAs(ctxAs(author), actorOf(author)), projectId, {
    category: "question",
    title: unique("Matrix post"),
    body: "A post for the authorization matrix.",
    visibility,
  });
  return { projectId, postId: post.id, path: `/api/projects/${projectId}/posts/${post.id}`, author };
}

async function matrixPostAttachmentUrl(visibility: "project" | "staff" = "project") {
  const { projectId, postId, author } = await matrixPost(visibility);
  const attachment = await attachToPost(actingAs(ctxAs(author), actorOf(author)), projectId, postId, {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("project attachment")),
  });
  return attachment.url;
}

/** A fresh document in a fresh project, by the same-organisation member (or a staff-only one by staff). */
async function matrixDocument(
  visibility: "project" | "staff" = "project",
  options: { versions?: number } = {},
) {
  const { projectId } = await matrixProject();
  const author = visibility === "staff" ? people().staff : people().northwindMember;
  const ctx = ctxAs(author);
  const document = await createDocument(actingAs(ctx, actorOf(author)), projectId, {
    title: unique("Matrix document"),
    body: "Version 1.",
    visibility,
  });
  for (let version = 2; version <= (options.versions ?? 1); version++) {
    await updateDocument(actingAs(ctx, actorOf(author)), projectId, document.id, {
      title: document.title,
      body: `Version ${version}.`,
      baseVersion: version - 1,
    });
  }
  return { projectId, path: `/api/projects/${projectId}/documents/${document.id}` };
}

/** A fresh file at the top level of a fresh project, by the same-organisation member (or staff-only, by staff). */
async function matrixFile(visibility: "project" | "staff" = "project") {
  const { projectId } = await matrixProject();
  const author = visibility === "staff" ? people().staff : people().northwindMember;
  const file = await uploadFile(
    actingAs(ctxAs(author), actorOf(author)),
    projectId,
    { filename: "matrix.txt", contentType: "text/plain", data: Buffer.from(unique("project file")) },
    { visibility },
  );
  return { projectId, path: `/api/projects/${projectId}/files/${file.id}` };
}

/** A fresh open feedback round in a fresh project, with three questions (organisation scope unless asked). */
async function matrixRound(scope: "organisation" | "person" = "organisation") {
  const { projectId } = await matrixProject();
  const { ctx, actor } = asStaff();
  const round = await createRound(actingAs(ctx, actor), projectId, {
    title: unique("Matrix round"),
    description: "A round for the authorization matrix.",
    questions: [
      { kind: "rating", prompt: "How easy?", required: true },
      { kind: "choice", prompt: "Which first?", options: ["Receipt", "Dispensing"], required: false },
      { kind: "text", prompt: "What is missing?", required: false },
    ],
    opensAt: new Date(Date.now() - 60_000),
    closesAt: new Date(Date.now() + 86_400_000),
    answerScope: scope,
  });
  return { projectId, roundId: round.id, path: `/api/projects/${projectId}/rounds/${round.id}` };
}

/** A fresh round answered by a Northwind caller, who also attached a file to the answer. */
async function matrixAnswer(
  respondentKey: "northwindMember" | "northwindAdmin" = "northwindMember",
  scope: "organisation" | "person" = "organisation",
) {
  const { projectId, roundId, path } = await matrixRound(scope);
  const respondent = people()[respondentKey];
  const ctx = ctxAs(respondent);
  const response = await saveResponse(actingAs(ctx, actorOf(respondent)), projectId, roundId, {
    answers: { q1: 4 },
  });
  const file = await attachResponseFile(actingAs(ctx, actorOf(respondent)), projectId, roundId, {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("answer file")),
  });
  return { path, responseId: response.id, fileUrl: file.url };
}

/** Both Northwind callers answer a round; staff read answers but never give them (403). */
const roundParticipants = (status: number): Expected => ({ ...projectParticipantsOnly(status), staff: 403 });

const rows: Row[] = [
  // Projects and the board
  {
    route: "GET /api/projects",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/projects"),
  },
  {
    route: "POST /api/projects",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/projects", { name: unique("Matrix project"), purpose: "", startsOn: "2026-04-01" }),
  },
  {
    route: "GET /api/projects/activity",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/projects/activity"),
  },
  {
    route: "GET /api/projects/search",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/projects/search?q=matrix"),
  },
  {
    route: "GET /api/projects/search",
    variant: "in one project",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      client.get(`/api/projects/search?q=matrix&projectId=${(await matrixProject()).projectId}`),
  },
  {
    route: "GET /api/projects/:id",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixProject()).projectId}`),
  },
  {
    route: "PATCH /api/projects/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/projects/${(await matrixProject()).projectId}`, { purpose: "Changed." }),
  },
  {
    route: "POST /api/projects/:id/archive",
    expected: staffOnly(200),
    call: async ({ client }) => client.post(`/api/projects/${(await matrixProject()).projectId}/archive`),
  },
  {
    route: "POST /api/projects/:id/restore",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject({ archived: true })).projectId}/restore`),
  },
  {
    route: "POST /api/projects/:id/participants",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/participants`, {
        userId: people().contosoMember.id,
      }),
  },
  {
    route: "DELETE /api/projects/:id/participants/:participantId",
    expected: staffOnly(204),
    call: async ({ client }) => {
      const { projectId, participantId } = await matrixProject();
      return client.delete(`/api/projects/${projectId}/participants/${participantId}`);
    },
  },
  {
    route: "GET /api/projects/:id/posts",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixPost()).projectId}/posts`),
  },
  {
    route: "POST /api/projects/:id/posts",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/posts`, {
        category: "question",
        title: unique("Matrix post"),
        body: "Posted by the matrix.",
      }),
  },
  {
    route: "POST /api/projects/:id/posts",
    variant: "archived project",
    expected: projectParticipantsOnly(409),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject({ archived: true })).projectId}/posts`, {
        category: "question",
        title: unique("Matrix post"),
        body: "Posted by the matrix.",
      }),
  },
  {
    route: "GET /api/projects/:id/posts/:postId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixPost()).path),
  },
  {
    route: "GET /api/projects/:id/posts/:postId",
    variant: "staff-only post",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get((await matrixPost("staff")).path),
  },
  {
    route: "PATCH /api/projects/:id/posts/:postId",
    // The post is the same-organisation member's: the org admin, in the project too, may not edit it.
    expected: projectParticipantsOnly(200, { orgAdmin: 403 }),
    call: async ({ client }) => client.patch((await matrixPost()).path, { title: unique("Edited") }),
  },
  {
    route: "POST /api/projects/:id/posts/:postId/comments",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) => client.post(`${(await matrixPost()).path}/comments`, { body: "A comment." }),
  },
  {
    route: "POST /api/projects/:id/posts/:postId/comments",
    variant: "staff-only post",
    expected: staffOnlyItem(201),
    call: async ({ client }) =>
      client.post(`${(await matrixPost("staff")).path}/comments`, { body: "A comment." }),
  },
  {
    route: "POST /api/projects/:id/posts/:postId/attachments",
    expected: projectParticipantsOnly(201, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.upload(`${(await matrixPost()).path}/attachments`, {
        filename: "matrix.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("attachment")),
      }),
  },
  {
    route: "GET /api/projects/:id/posts/:postId/attachments/:attachmentId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(await matrixPostAttachmentUrl()),
  },
  {
    route: "GET /api/projects/:id/posts/:postId/attachments/:attachmentId",
    variant: "staff-only post",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(await matrixPostAttachmentUrl("staff")),
  },
  {
    route: "PUT /api/projects/:id/posts/:postId/subscription",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixPost()).path}/subscription`, { state: "muted" }),
  },
  {
    route: "PUT /api/projects/:id/posts/:postId/subscription",
    variant: "staff-only post",
    expected: staffOnlyItem(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixPost("staff")).path}/subscription`, { state: "subscribed" }),
  },
  {
    route: "GET /api/projects/:id/activity",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixProject()).projectId}/activity`),
  },
  // Documents and files
  {
    route: "GET /api/projects/:id/documents",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixDocument()).projectId}/documents`),
  },
  {
    route: "POST /api/projects/:id/documents",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/documents`, {
        title: unique("Matrix document"),
        body: "Written by the matrix.",
      }),
  },
  {
    route: "POST /api/projects/:id/documents",
    variant: "archived project",
    expected: projectParticipantsOnly(409),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject({ archived: true })).projectId}/documents`, {
        title: unique("Matrix document"),
        body: "Written by the matrix.",
      }),
  },
  {
    route: "GET /api/projects/:id/documents/:docId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixDocument()).path),
  },
  {
    route: "GET /api/projects/:id/documents/:docId",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get((await matrixDocument("staff")).path),
  },
  {
    route: "PUT /api/projects/:id/documents/:docId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      putAs(client, (await matrixDocument()).path, {
        title: unique("Edited"),
        body: "Edited.",
        baseVersion: 1,
      }),
  },
  {
    route: "PUT /api/projects/:id/documents/:docId",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) =>
      putAs(client, (await matrixDocument("staff")).path, {
        title: unique("Edited"),
        body: "Edited.",
        baseVersion: 1,
      }),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`${(await matrixDocument()).path}/versions`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(`${(await matrixDocument("staff")).path}/versions`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions/:n",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`${(await matrixDocument()).path}/versions/1`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/versions/:n",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(`${(await matrixDocument("staff")).path}/versions/1`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/diff",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) =>
      client.get(`${(await matrixDocument("project", { versions: 2 })).path}/diff?from=1&to=2`),
  },
  {
    route: "GET /api/projects/:id/documents/:docId/diff",
    variant: "staff-only document",
    expected: staffOnlyItem(200),
    call: async ({ client }) =>
      client.get(`${(await matrixDocument("staff", { versions: 2 })).path}/diff?from=1&to=2`),
  },
  {
    route: "POST /api/projects/:id/documents/:docId/restore",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`${(await matrixDocument("project", { versions: 2 })).path}/restore`, { version: 1 }),
  },
  {
    route: "POST /api/projects/:id/documents/:docId/restore",
    variant: "staff-only document",
    expected: staffOnlyItem(201),
    call: async ({ client }) =>
      client.post(`${(await matrixDocument("staff", { versions: 2 })).path}/restore`, { version: 1 }),
  },
  {
    route: "GET /api/projects/:id/folders",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixProject()).projectId}/folders`),
  },
  {
    route: "POST /api/projects/:id/folders",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/folders`, {
        name: unique("Matrix folder"),
      }),
  },
  {
    route: "GET /api/projects/:id/files",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixFile()).projectId}/files`),
  },
  {
    route: "POST /api/projects/:id/files",
    expected: projectParticipantsOnly(201),
    call: async ({ client }) =>
      client.upload(`/api/projects/${(await matrixProject()).projectId}/files`, {
        filename: "matrix.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("project file")),
      }),
  },
  {
    route: "GET /api/projects/:id/files/:fileId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixFile()).path),
  },
  {
    route: "GET /api/projects/:id/files/:fileId",
    variant: "staff-only file",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get((await matrixFile("staff")).path),
  },
  {
    route: "GET /api/projects/:id/files/:fileId/download",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`${(await matrixFile()).path}/download`),
  },
  {
    route: "GET /api/projects/:id/files/:fileId/download",
    variant: "staff-only file",
    expected: staffOnlyItem(200),
    call: async ({ client }) => client.get(`${(await matrixFile("staff")).path}/download`),
  },
  // Feedback rounds
  {
    route: "GET /api/projects/:id/rounds",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get(`/api/projects/${(await matrixRound()).projectId}/rounds`),
  },
  {
    route: "POST /api/projects/:id/rounds",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`/api/projects/${(await matrixProject()).projectId}/rounds`, {
        title: unique("Matrix round"),
        questions: [{ kind: "text", prompt: "Anything?", required: false }],
        opensAt: new Date().toISOString(),
        closesAt: new Date(Date.now() + 86_400_000).toISOString(),
        answerScope: "person",
      }),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixRound()).path),
  },
  {
    route: "PATCH /api/projects/:id/rounds/:roundId",
    expected: staffOnly(200),
    call: async ({ client }) => client.patch((await matrixRound()).path, { title: unique("Renamed round") }),
  },
  {
    route: "PUT /api/projects/:id/rounds/:roundId/response",
    expected: roundParticipants(200),
    call: async ({ client }) =>
      putAs(client, `${(await matrixRound()).path}/response`, { answers: { q1: 5 } }),
  },
  {
    route: "POST /api/projects/:id/rounds/:roundId/response/files",
    expected: roundParticipants(201),
    call: async ({ client }) =>
      client.upload(`${(await matrixAnswer()).path}/response/files`, {
        filename: "matrix.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("answer file")),
      }),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses/:responseId/files/:fileId",
    variant: "the organisation's answer",
    expected: projectParticipantsOnly(200),
    call: async ({ client }) => client.get((await matrixAnswer()).fileUrl),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses/:responseId/files/:fileId",
    variant: "a colleague's own answer in person scope",
    expected: { ...projectParticipantsOnly(200), sameOrg: 404 },
    call: async ({ client }) => client.get((await matrixAnswer("northwindAdmin", "person")).fileUrl),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`${(await matrixAnswer()).path}/responses`),
  },
  {
    route: "PATCH /api/projects/:id/rounds/:roundId/responses/:responseId",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const { path, responseId } = await matrixAnswer();
      return client.patch(`${path}/responses/${responseId}`, {
        triage: "acknowledged",
        staffReply: "Thanks.",
      });
    },
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/summary",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`${(await matrixAnswer()).path}/summary`),
  },
  {
    route: "POST /api/projects/:id/rounds/:roundId/summary-post",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`${(await matrixAnswer()).path}/summary-post`, {
        category: "announcement",
      }),
  },
  {
    route: "GET /api/projects/:id/rounds/:roundId/responses.csv",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`${(await matrixAnswer()).path}/responses.csv`),
  },
];

authorizationMatrix(rows);
