/**
 * Who may call the sandbox's data routes: volunteer imports and the PHI scan of an export (the callers
 * and the rules of the matrix: src/server/testing/authorization.ts).
 */
import { actingAs } from "../../../platform/context.js";
import {
  acceptAs,
  authorizationMatrix,
  ctxAs,
  people,
  type Row,
  staffOnly,
  volunteerWriters,
} from "../../../testing/authorization.js";
import { actorOf } from "../../accounts/users.js";
import { asSeeder } from "../access/index.js";
import { prepareVolunteerImport } from "./imports.js";

const matrixImportCsv = () =>
  Buffer.from(
    "first_name,last_name,sex,date_of_birth,height_cm,weight_kg,region\nMatty,Matrix,male,1990-05-17,180,75,Texas\n",
  );

/** A finished one-row import run by the person with this e-mail, as server code (no agreement needed). */
async function matrixImport(email: string | null): Promise<string> {
  const person = Object.values(people()).find((p) => p.email === email);
  if (!person) throw new Error(`no demo person ${email}`);
  const importer = asSeeder(actorOf(person));
  const prepared = await prepareVolunteerImport(actingAs(ctxAs(person), importer), {
    filename: "matrix.csv",
    data: matrixImportCsv(),
  });
  return (await prepared.run()).id;
}

const rows: Row[] = [
  {
    route: "POST /api/sandbox/imports",
    expected: volunteerWriters(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.upload("/api/sandbox/imports", {
        filename: "matrix.csv",
        contentType: "text/csv",
        data: matrixImportCsv(),
      });
    },
  },
  {
    route: "GET /api/sandbox/imports",
    expected: volunteerWriters(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/imports");
    },
  },
  {
    route: "GET /api/sandbox/imports/:id",
    variant: "an import the caller ran (staff's for those who cannot import)",
    expected: volunteerWriters(200),
    call: async ({ client, email, role }) => {
      const id = await matrixImport(
        role === "anonymous" || role === "sameOrg" ? people().staff.email : email,
      );
      await acceptAs(email);
      return client.get(`/api/sandbox/imports/${id}`);
    },
  },
  {
    route: "GET /api/sandbox/imports/:id",
    variant: "an import staff ran",
    // An import report describes the importer's file: nobody but staff learns someone else's exists.
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 404, staff: 200 },
    call: async ({ client, email }) => {
      const id = await matrixImport(people().staff.email);
      await acceptAs(email);
      return client.get(`/api/sandbox/imports/${id}`);
    },
  },
  {
    route: "POST /api/admin/sandbox/phi-scan",
    // Staff scan an export of the vendor's real product; no customer may, whatever their sandbox role.
    expected: staffOnly(200),
    call: ({ client }) =>
      client.upload("/api/admin/sandbox/phi-scan", {
        filename: "export.csv",
        contentType: "text/csv",
        data: matrixImportCsv(),
      }),
  },
];

authorizationMatrix(rows);
