/**
 * Who may call the service desk's routes (the callers and the rules of the matrix:
 * src/server/testing/authorization.ts).
 */
import { eq } from "drizzle-orm";
import { tickets } from "../../db/schema.js";
import { actingAs } from "../../platform/context.js";
import {
  authorizationMatrix,
  community,
  everyone,
  nextNumber,
  northwind,
  northwindResource,
  people,
  putAs,
  type Row,
  signedIn,
  staffOnly,
  unique,
} from "../../testing/authorization.js";
import { actorOf } from "../accounts/users.js";
import { submitAccessRequest } from "./access-requests.js";
import { addFormField } from "./forms.js";
import { createMacro } from "./macros.js";
import { ratingToken } from "./satisfaction.js";
import { defaultSlaPolicy } from "./sla.js";
import { attachToTicket, openTicket, updateTicket } from "./tickets.js";

/** Ticket #1 of the demo seed, opened by the same-organisation member and shared with Northwind. */
async function seededTicketId(): Promise<string> {
  const [seeded] = await community().db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, 1));
  if (!seeded) throw new Error("the demo seed has no ticket #1");
  return seeded.id;
}

async function northwindTicket(shared = true) {
  const member = people().northwindMember;
  return openTicket(actingAs(community().ctx, actorOf(member)), {
    type: "support_question",
    subject: unique("Matrix ticket"),
    description: "A ticket for the authorization matrix.",
    sharedWithOrganisation: shared,
  });
}

async function northwindAttachment() {
  const member = people().northwindMember;
  const ticket = await northwindTicket();
  return attachToTicket(actingAs(community().ctx, actorOf(member)), ticket.id, {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("attachment")),
  });
}

async function accessRequest(): Promise<string> {
  const number = await submitAccessRequest(community().ctx, {
    name: "Ada Applicant",
    email: `${unique("applicant")}@northwind.example`,
    organisation: "Northwind Research Unit",
    role: "Study nurse",
    reason: "I run the visits of our unit's studies.",
  });
  const { db } = community();
  const [row] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number));
  if (!row) throw new Error(`access request #${number} was not written`);
  return row.id;
}

async function matrixMacro(): Promise<string> {
  const staff = people().staff;
  const macro = await createMacro(actingAs(community().ctx, actorOf(staff)), {
    name: unique("Matrix macro"),
    body: "Hi {{requester.firstName}}, this is fixed.",
    status: "resolved",
    assignee: "me",
  });
  return macro.id;
}

async function resolvedNorthwindTicket(): Promise<string> {
  const ticket = await northwindTicket();
  await updateTicket(actingAs(community().ctx, actorOf(people().staff)), ticket.id, { status: "resolved" });
  return ticket.id;
}

const formFieldBody = () => ({ key: `f${nextNumber()}`, label: "Matrix field", kind: "text" });

async function matrixFormField(): Promise<string> {
  const field = await addFormField(actingAs(community().ctx, actorOf(people().staff)), "support_question", {
    key: `m${nextNumber()}`,
    label: "Matrix field",
    help: "",
    kind: "text",
    options: [],
    required: false,
    position: 0,
  });
  return field.id;
}

const macroBody = () => ({
  name: unique("Matrix macro"),
  body: "A canned reply.",
  status: null,
  assignee: null,
});

const rows: Row[] = [
  {
    route: "GET /api/desk/tickets",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/desk/tickets"),
  },
  {
    route: "POST /api/desk/tickets",
    expected: signedIn(201),
    call: ({ client }) =>
      client.post("/api/desk/tickets", {
        type: "product_feedback",
        subject: unique("Matrix feedback"),
        description: "More keyboard shortcuts, please.",
      }),
  },
  {
    route: "GET /api/desk/tickets/:id",
    variant: "ticket #1, shared with Northwind",
    expected: northwindResource(200),
    call: async ({ client }) => client.get(`/api/desk/tickets/${await seededTicketId()}`),
  },
  {
    route: "GET /api/desk/tickets/:id",
    variant: "not shared",
    // A colleague, even the org admin, sees only what the requester shared.
    expected: northwindResource(200, { orgAdmin: 404 }),
    call: async ({ client }) => client.get(`/api/desk/tickets/${(await northwindTicket(false)).id}`),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "sharing",
    // Sharing is the requester's decision (or staff's); a colleague who sees the ticket may not change it.
    expected: northwindResource(200, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { sharedWithOrganisation: false }),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "status",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 200 },
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { status: "open" }),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "assignee",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 200 },
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { assigneeId: people().staff.id }),
  },
  {
    route: "POST /api/desk/tickets/:id/comments",
    variant: "public reply",
    expected: northwindResource(201),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${(await northwindTicket()).id}/comments`, { body: "A public reply." }),
  },
  {
    route: "POST /api/desk/tickets/:id/comments",
    variant: "internal note",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 201 },
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${(await northwindTicket()).id}/comments`, {
        body: "An internal note.",
        internal: true,
      }),
  },
  {
    route: "POST /api/desk/tickets/:id/attachments",
    expected: northwindResource(201),
    call: async ({ client }) =>
      client.upload(`/api/desk/tickets/${(await northwindTicket()).id}/attachments`, {
        filename: "steps.txt",
        contentType: "text/plain",
        data: Buffer.from("1. Open the study\n2. Publish\n"),
      }),
  },
  {
    route: "GET /api/desk/attachments/:id",
    expected: northwindResource(200),
    call: async ({ client }) => client.get((await northwindAttachment()).url),
  },
  {
    route: "POST /api/desk/tickets/:id/watch",
    expected: northwindResource(200),
    call: async ({ client }) => client.post(`/api/desk/tickets/${(await northwindTicket()).id}/watch`),
  },
  {
    route: "DELETE /api/desk/tickets/:id/watch",
    expected: northwindResource(200),
    call: async ({ client }) => client.delete(`/api/desk/tickets/${(await northwindTicket()).id}/watch`),
  },
  {
    route: "POST /api/desk/tickets/:id/approve",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${await accessRequest()}/approve`, { organisationId: northwind().id }),
  },
  {
    route: "POST /api/desk/tickets/:id/decline",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${await accessRequest()}/decline`, {
        reason: "We cannot verify your role.",
      }),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "priority",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 200 },
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { priority: "urgent" }),
  },
  {
    route: "GET /api/desk/sla/policies",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/desk/sla/policies"),
  },
  {
    route: "PUT /api/desk/sla/policies/:organisationId",
    // Even Northwind's own admin may not set the service levels the vendor promises Northwind.
    expected: staffOnly(200),
    call: ({ client }) =>
      putAs(client, `/api/desk/sla/policies/${northwind().id}`, {
        timeZone: "Europe/Berlin",
        week: [null, ...Array(5).fill({ start: "08:00", end: "16:00" }), null],
        holidays: ["2026-12-24"],
        targets: defaultSlaPolicy.targets,
      }),
  },
  {
    route: "GET /api/desk/reports/sla",
    // Figures about every customer: not even an organisation's own admin reads them.
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/desk/reports/sla"),
  },
  {
    route: "GET /api/desk/reports/sla.csv",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/desk/reports/sla.csv"),
  },
  {
    route: "GET /api/desk/staff",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/desk/staff"),
  },
  {
    route: "GET /api/desk/macros",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/desk/macros"),
  },
  {
    route: "POST /api/desk/macros",
    expected: staffOnly(201),
    call: ({ client }) => client.post("/api/desk/macros", macroBody()),
  },
  {
    route: "PUT /api/desk/macros/:id",
    expected: staffOnly(200),
    call: async ({ client }) => client.put(`/api/desk/macros/${await matrixMacro()}`, macroBody()),
  },
  {
    route: "DELETE /api/desk/macros/:id",
    expected: staffOnly(204),
    call: async ({ client }) => client.delete(`/api/desk/macros/${await matrixMacro()}`),
  },
  {
    route: "POST /api/desk/tickets/:id/macro-replies",
    // The requester of the ticket, too, is refused: macros change status and assignee, staff's decisions.
    expected: staffOnly(201),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${(await northwindTicket()).id}/macro-replies`, {
        macroId: await matrixMacro(),
        body: "Hi Ned, this is fixed.",
      }),
  },
  {
    route: "PUT /api/desk/tickets/:id/rating",
    // The requester alone rates; a colleague or staff who see the ticket are refused.
    expected: { anonymous: 401, sameOrg: 200, otherOrg: 404, orgAdmin: 403, staff: 403 },
    call: async ({ client }) =>
      client.put(`/api/desk/tickets/${await resolvedNorthwindTicket()}/rating`, { rating: "good" }),
  },
  {
    route: "GET /api/desk/ratings",
    // The signed token is the permission: whoever follows the e-mail's link, signed in or not.
    expected: everyone(200),
    call: async ({ client }) =>
      client.get(
        `/api/desk/ratings?token=${await ratingToken(community().config, await resolvedNorthwindTicket())}`,
      ),
  },
  {
    route: "POST /api/desk/ratings",
    expected: everyone(200),
    call: async ({ client }) =>
      client.post(
        `/api/desk/ratings?token=${await ratingToken(community().config, await resolvedNorthwindTicket())}`,
        {
          rating: "good",
        },
      ),
  },
  {
    route: "GET /api/desk/forms/:type",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/desk/forms/dev_environment_question"),
  },
  {
    route: "POST /api/desk/forms/:type/fields",
    expected: staffOnly(201),
    call: ({ client }) => client.post("/api/desk/forms/support_question/fields", formFieldBody()),
  },
  {
    route: "PUT /api/desk/form-fields/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.put(`/api/desk/form-fields/${await matrixFormField()}`, formFieldBody()),
  },
  {
    route: "DELETE /api/desk/form-fields/:id",
    expected: staffOnly(204),
    call: async ({ client }) => client.delete(`/api/desk/form-fields/${await matrixFormField()}`),
  },
];

authorizationMatrix(rows);
