/**
 * Who may call the knowledge base's routes (the callers and the rules of the matrix:
 * src/server/testing/authorization.ts). Published articles for members are every signed-in person's;
 * drafts and staff-only articles do not exist outside the product team.
 */

import { actingAs } from "../../platform/context.js";
import {
  asStaffCtx,
  authorizationMatrix,
  community,
  type Expected,
  people,
  type Row,
  signedIn,
  staffOnly,
  unique,
} from "../../testing/authorization.js";
import { actorOf } from "../accounts/index.js";
import { addComment, openTicket } from "../desk/tickets.js";
import { createArticle } from "./articles.js";
import { createCategory } from "./categories.js";
import type { ArticleInput } from "./contracts/articles.js";

const matrixCategory = () => createCategory(asStaffCtx(), { name: unique("Matrix category") });

async function matrixArticle(changes: Partial<ArticleInput> = {}) {
  const category = await matrixCategory();
  return createArticle(asStaffCtx(), {
    title: unique("Matrix article"),
    body: "How the authorization matrix reads an article.",
    categoryId: category.id,
    status: "published",
    audience: "members",
    ...changes,
  });
}

/** A staff answer on a ticket Ned opened, as the desk writes it. */
async function ticketAnswer(): Promise<string> {
  const ticket = await openTicket(actingAs(community().ctx, actorOf(people().northwindMember)), {
    type: "support_question",
    subject: unique("Matrix question"),
    description: "A question the matrix asks.",
    sharedWithOrganisation: false,
  });
  const comment = await addComment(asStaffCtx(), ticket.id, { body: "The matrix's answer." });
  return comment.id;
}

/** A published members' article is every signed-in person's; anyone else's drafts are missing. */
const hiddenFromCustomers = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 404,
  otherOrg: 404,
  orgAdmin: 404,
  staff: status,
});

const rows: Row[] = [
  {
    route: "GET /api/knowledge/categories",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/knowledge/categories"),
  },
  {
    route: "POST /api/admin/knowledge/categories",
    expected: staffOnly(201),
    call: ({ client }) => client.post("/api/admin/knowledge/categories", { name: unique("Shelf") }),
  },
  {
    route: "PATCH /api/admin/knowledge/categories/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/knowledge/categories/${(await matrixCategory()).id}`, { position: 0 }),
  },
  {
    route: "GET /api/knowledge/articles",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/knowledge/articles"),
  },
  {
    route: "GET /api/knowledge/articles/:id",
    variant: "published for members",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/knowledge/articles/${(await matrixArticle()).id}`),
  },
  {
    route: "GET /api/knowledge/articles/:id",
    variant: "draft",
    expected: hiddenFromCustomers(200),
    call: async ({ client }) =>
      client.get(`/api/knowledge/articles/${(await matrixArticle({ status: "draft" })).id}`),
  },
  {
    route: "GET /api/knowledge/articles/:id",
    variant: "staff only",
    expected: hiddenFromCustomers(200),
    call: async ({ client }) =>
      client.get(`/api/knowledge/articles/${(await matrixArticle({ audience: "staff" })).id}`),
  },
  {
    route: "GET /api/knowledge/suggestions",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/knowledge/suggestions?text=password"),
  },
  {
    route: "POST /api/knowledge/articles/:id/suggestion-views",
    expected: signedIn(204),
    call: async ({ client }) =>
      client.post(`/api/knowledge/articles/${(await matrixArticle()).id}/suggestion-views`),
  },
  {
    route: "POST /api/knowledge/articles/:id/answered",
    variant: "published for members",
    expected: signedIn(204),
    call: async ({ client }) => client.post(`/api/knowledge/articles/${(await matrixArticle()).id}/answered`),
  },
  {
    route: "POST /api/knowledge/articles/:id/answered",
    variant: "staff only",
    expected: hiddenFromCustomers(204),
    call: async ({ client }) =>
      client.post(`/api/knowledge/articles/${(await matrixArticle({ audience: "staff" })).id}/answered`),
  },
  {
    route: "POST /api/admin/knowledge/articles",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post("/api/admin/knowledge/articles", {
        title: unique("Written by the matrix"),
        body: "Body.",
        categoryId: (await matrixCategory()).id,
      }),
  },
  {
    route: "POST /api/admin/knowledge/articles/from-source",
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post("/api/admin/knowledge/articles/from-source", {
        kind: "ticket_comment",
        id: await ticketAnswer(),
      }),
  },
  {
    route: "PATCH /api/admin/knowledge/articles/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/knowledge/articles/${(await matrixArticle()).id}`, { title: "Renamed" }),
  },
  {
    route: "GET /api/admin/knowledge/articles/:id/versions",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.get(`/api/admin/knowledge/articles/${(await matrixArticle()).id}/versions`),
  },
  {
    route: "GET /api/admin/knowledge/articles/:id/versions/:number",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.get(`/api/admin/knowledge/articles/${(await matrixArticle()).id}/versions/1`),
  },
];

authorizationMatrix(rows);
