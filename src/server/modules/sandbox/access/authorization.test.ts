/**
 * Who may call the sandbox's access routes: its status, agreement and users (the callers and the rules of
 * the matrix: src/server/testing/authorization.ts).
 */
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import {
  acceptAs,
  agreementId,
  asStaffCtx,
  authorizationMatrix,
  community,
  type Expected,
  people,
  type Row,
  signedIn,
  staffOnly,
  throwawayUser,
  unique,
} from "../../../testing/authorization.js";
import { createUser } from "../../accounts/users.js";
import { createAgreementDraft } from "./agreement.js";
import { addSandboxUser } from "./users.js";

const sandboxAgreementDraft = () =>
  createAgreementDraft(asStaffCtx(), { title: unique("Matrix agreement"), body: "Text." });

/** A fresh sandbox user in Northwind (or Contoso), added by staff. */
async function sandboxUser(organisation: "northwind" | "contoso" = "northwind"): Promise<string> {
  const user = await createUser(community().ctx, {
    email: `${unique("sandboxer")}@${organisation}.example`,
    name: "Sandy Boxer",
    password: DEMO_PASSWORD,
    organisationId: community().demo.organisations[organisation].id,
  });
  await acceptAs(people().staff.email);
  await addSandboxUser(asStaffCtx(), { userId: user.id, role: "investigator" });
  return user.id;
}

/** Only staff and an org admin manage sandbox users; plain members are refused whatever their role. */
const sandboxManagers = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: refused.orgAdmin ?? status,
  staff: status,
});

const rows: Row[] = [
  {
    route: "GET /api/sandbox/status",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/sandbox/status"),
  },
  {
    route: "GET /api/sandbox/agreement",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/sandbox/agreement"),
  },
  {
    route: "POST /api/sandbox/agreement/accept",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.post("/api/sandbox/agreement/accept", { agreementId: await agreementId() }),
  },
  {
    route: "GET /api/admin/sandbox/agreements",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/sandbox/agreements"),
  },
  {
    route: "POST /api/admin/sandbox/agreements",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/agreements", { title: unique("Matrix agreement"), body: "Text." }),
  },
  {
    route: "GET /api/admin/sandbox/agreements/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.get(`/api/admin/sandbox/agreements/${(await sandboxAgreementDraft()).id}`),
  },
  {
    route: "PATCH /api/admin/sandbox/agreements/:id",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/sandbox/agreements/${(await sandboxAgreementDraft()).id}`, {
        body: "Changed.",
      }),
  },
  {
    route: "POST /api/admin/sandbox/agreements/:id/publish",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/admin/sandbox/agreements/${(await sandboxAgreementDraft()).id}/publish`),
  },
  {
    route: "GET /api/admin/sandbox/agreements/:id/acceptances",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.get(`/api/admin/sandbox/agreements/${await agreementId()}/acceptances`),
  },
  {
    route: "GET /api/sandbox/users",
    expected: sandboxManagers(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/users");
    },
  },
  {
    route: "POST /api/sandbox/users",
    variant: "a Northwind person",
    expected: sandboxManagers(201),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.post("/api/sandbox/users", { userId: (await throwawayUser()).id, role: "recruiter" });
    },
  },
  {
    route: "PATCH /api/sandbox/users/:userId",
    variant: "a Northwind sandbox user",
    expected: sandboxManagers(200),
    call: async ({ client, email }) => {
      const userId = await sandboxUser();
      await acceptAs(email);
      return client.patch(`/api/sandbox/users/${userId}`, { role: "pharmacist" });
    },
  },
  {
    route: "PATCH /api/sandbox/users/:userId",
    variant: "another organisation's sandbox user",
    // The Northwind admin is not told that a Contoso person is a sandbox user.
    expected: sandboxManagers(200, { orgAdmin: 404 }),
    call: async ({ client, email }) => {
      const userId = await sandboxUser("contoso");
      await acceptAs(email);
      return client.patch(`/api/sandbox/users/${userId}`, { role: "pharmacist" });
    },
  },
  {
    route: "DELETE /api/sandbox/users/:userId",
    variant: "a Northwind sandbox user",
    expected: sandboxManagers(204),
    call: async ({ client, email }) => {
      const userId = await sandboxUser();
      await acceptAs(email);
      return client.delete(`/api/sandbox/users/${userId}`);
    },
  },
];

authorizationMatrix(rows);
