import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { eq, inArray } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAudit, volunteerImports, volunteers } from "../../../db/schema.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { CSRF_HEADER } from "../../../platform/auth/http.js";
import { csvField } from "../../../platform/csv.js";
import {
  type Client,
  startTestCommunity,
  TEST_ORIGIN,
  type TestCommunity,
} from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";
import { ageOn } from "../shared/volunteer-measures.js";
import { parseCsv, throttleProgress } from "./imports.js";

// --- a generated source file (nothing big is committed) ---

const HEADER = [
  "first_name",
  "last_name",
  "sex",
  "date_of_birth",
  "email",
  "phone",
  "zip",
  "ssn",
  "address",
  "height_cm",
  "weight_kg",
  "smoker",
  "recruitment_status",
  "medical_history",
];

/** Letters only, so the source names look like names and appear in no faker list: "Origbaa", … */
const letters = (i: number) =>
  Array.from({ length: 3 }, (_, k) => String.fromCharCode(97 + (Math.floor(i / 26 ** k) % 26))).join("");

/** Real-looking source record number `i`: the identifiers the import must never store. */
function sourceRecord(i: number): Record<string, string> {
  const tag = letters(i);
  return {
    first_name: `Orig${tag}`,
    last_name: `Sourcefamily${tag}`,
    sex: i % 2 ? "F" : "male",
    date_of_birth: `${1950 + (i % 45)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    email: `orig.${tag}@gmail.com`,
    phone: `(415) 867-${String(5000 + i).slice(-4)}`,
    zip: `9${String(4100 + (i % 800)).padStart(4, "0")}`,
    ssn: `${String(100 + (i % 800))}-45-${String(1000 + i).slice(-4)}`,
    address: `${10 + i} Harbour Street`,
    height_cm: String(160 + (i % 30)),
    weight_kg: String(55 + (i % 40)),
    smoker: i % 5 === 0 ? "yes" : "no",
    recruitment_status: i % 3 === 0 ? "screening" : "",
    medical_history: i % 4 === 0 ? "Seasonal allergies; no regular medication." : "",
  };
}

const today = new Date().toISOString().slice(0, 10);
const csvLine = (cells: string[]) => cells.map(csvField).join(",");

/** A CSV of `count` source records (line n + 2 is record n), with some records changed. */
function sourceCsv(count: number, changes: Record<number, Record<string, string>> = {}): Buffer {
  const lines = [csvLine(HEADER)];
  for (let i = 0; i < count; i++) {
    const record = { ...sourceRecord(i), ...changes[i] };
    lines.push(csvLine(HEADER.map((column) => record[column] ?? "")));
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n`);
}

// --- HTTP ---

let community: TestCommunity;
let staff: Client;
let coordinator: Client; // Northwind study coordinator
let investigator: Client; // Northwind investigator
let readOnly: Client; // Fabrikam, read-only
let recruiter: Client; // a Northwind recruiter
let notAccepted: Client; // a Northwind recruiter who has not accepted the agreement

type ImportView = {
  id: string;
  filename: string;
  status: "completed" | "failed";
  skipInvalid: boolean;
  rowsRead: number;
  imported: number;
  refused: number;
  report: { line: number; field: string | null; reason: string }[];
  createdBy: { id: string; name: string };
};
type Line =
  | { type: "progress"; phase: "checking" | "writing"; done: number; total: number }
  | { type: "report"; import: ImportView }
  | { type: "error"; error: { code: string; message: string } };

/** POST /api/sandbox/imports as a browser form would: the file and, when given, `skipInvalid`. */
function upload(
  client: Client,
  file: { filename: string; data: Buffer; contentType?: string },
  fields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const boundary = `----convene${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  const payload = Buffer.concat([
    ...parts,
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? "text/csv"}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return community.app.inject({
    method: "POST",
    url: "/api/sandbox/imports",
    headers: {
      ...(client.cookie ? { cookie: client.cookie } : {}),
      [CSRF_HEADER]: "1",
      origin: TEST_ORIGIN,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
}

function linesOf(response: LightMyRequestResponse): Line[] {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers["content-type"]).toMatch(/^application\/x-ndjson/);
  return response.body
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Line);
}

function reportOf(response: LightMyRequestResponse): ImportView {
  const last = linesOf(response).at(-1);
  if (last?.type !== "report") throw new Error(`no report: ${response.body}`);
  return last.import;
}

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function sandboxPerson(email: string, role: string): Promise<Client> {
  const user = await createUser(community.ctx, {
    email,
    name: "Ingrid Importer",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  const added = await staff.post("/api/sandbox/users", { userId: user.id, role });
  expect(added.statusCode, added.body).toBe(201);
  return community.signIn(email);
}

const volunteerCount = async () => (await community.db.select({ id: volunteers.id }).from(volunteers)).length;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  investigator = await community.signIn("member@northwind.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  await Promise.all([staff, coordinator, investigator, readOnly].map(accept));
  recruiter = await sandboxPerson("recruiter.imports@northwind.example", "recruiter");
  await accept(recruiter);
  notAccepted = await sandboxPerson("late.imports@northwind.example", "recruiter");
});

afterAll(async () => {
  await community?.close();
});

describe("importing volunteers from CSV", () => {
  it("imports every row obfuscated, with one create audit row per volunteer holding its values, and no source identifier stored", async () => {
    const before = await volunteerCount();
    const count = 40;
    const report = reportOf(await upload(recruiter, { filename: "recruits.csv", data: sourceCsv(count) }));
    expect(report).toMatchObject({
      filename: "recruits.csv",
      status: "completed",
      rowsRead: count,
      imported: count,
      refused: 0,
      report: [],
      createdBy: { name: "Ingrid Importer" },
    });
    expect(await volunteerCount()).toBe(before + count);

    const trail = await community.db
      .select()
      .from(sandboxAudit)
      .where(eq(sandboxAudit.reason, "Imported from recruits.csv"));
    const ids = [...new Set(trail.map((row) => row.recordId))];
    expect(ids).toHaveLength(count);
    expect(trail).toHaveLength(count);
    expect(
      trail.every(
        (row) =>
          row.action === "create" &&
          row.recordType === "volunteer" &&
          row.field === "*" &&
          row.actorEmail === "recruiter.imports@northwind.example",
      ),
    ).toBe(true);

    const stored = await community.db.select().from(volunteers).where(inArray(volunteers.id, ids));
    for (const volunteer of stored) {
      const entry = trail.find((row) => row.recordId === volunteer.id);
      expect(JSON.parse(entry?.newValue as string)).toEqual({
        displayId: volunteer.displayId,
        firstName: volunteer.firstName,
        lastName: volunteer.lastName,
        sex: volunteer.sex,
        dateOfBirth: volunteer.dateOfBirth,
        email: volunteer.email,
        phone: volunteer.phone,
        region: volunteer.region,
        heightCm: volunteer.heightCm,
        weightKg: volunteer.weightKg,
        bmi: volunteer.bmi,
        smoker: volunteer.smoker,
        recruitmentStatus: volunteer.recruitmentStatus,
        medicalHistory: volunteer.medicalHistory,
      });
    }
    expect(stored.every((row) => /^V\d{6,}$/.test(row.displayId))).toBe(true);
    expect(stored.every((row) => row.email === null || /@example\.(com|net)$/.test(row.email))).toBe(true);
    expect(stored.every((row) => row.phone === null || /555-01\d\d$/.test(row.phone))).toBe(true);
    expect(stored.every((row) => /^ZIP3 \d{3}$/.test(row.region))).toBe(true);
    const everything = JSON.stringify([await community.db.select().from(volunteers), trail]);
    // Display ids follow the file's order, so stored[i] is source record i.
    stored.sort((a, b) => a.displayId.localeCompare(b.displayId));
    for (let i = 0; i < count; i++) {
      const source = sourceRecord(i);
      for (const column of ["first_name", "last_name", "email", "phone", "ssn", "address"])
        expect(everything, `${column} of record ${i}`).not.toContain(source[column]);
      const dateOfBirth = stored[i]?.dateOfBirth ?? "";
      expect(dateOfBirth).not.toBe(source.date_of_birth);
      expect(
        Math.abs(ageOn(dateOfBirth, today) - ageOn(source.date_of_birth ?? "", today)),
      ).toBeLessThanOrEqual(1);
    }
    expect(everything).not.toContain("Harbour");
    expect(everything).not.toContain("gmail");
  });

  it("gives the same pseudonym to the same person in a second import", async () => {
    const first = reportOf(await upload(coordinator, { filename: "again-1.csv", data: sourceCsv(1) }));
    const second = reportOf(await upload(coordinator, { filename: "again-2.csv", data: sourceCsv(1) }));
    const names = async (filename: string) => {
      const [row] = await community.db
        .select({ recordId: sandboxAudit.recordId })
        .from(sandboxAudit)
        .where(eq(sandboxAudit.reason, `Imported from ${filename}`))
        .limit(1);
      const [volunteer] = await community.db
        .select()
        .from(volunteers)
        .where(eq(volunteers.id, row?.recordId ?? ""));
      return volunteer && [volunteer.firstName, volunteer.lastName, volunteer.dateOfBirth, volunteer.email];
    };
    expect(first.imported).toBe(1);
    expect(second.imported).toBe(1);
    expect(await names("again-2.csv")).toEqual(await names("again-1.csv"));
  });

  it("imports nothing when one row is refused, reporting its line and field without its value", async () => {
    const before = await volunteerCount();
    const data = sourceCsv(10, { 2: { medical_history: "Seen by Dr Ash, SSN 219-09-9999 on file." } });
    const report = reportOf(await upload(staff, { filename: "one-bad.csv", data }));
    expect(report).toMatchObject({ status: "failed", rowsRead: 10, imported: 0, refused: 1 });
    expect(report.report).toHaveLength(1);
    expect(report.report[0]).toMatchObject({ line: 4, field: "medical_history" });
    expect(report.report[0]?.reason).toMatch(/^Medical history notes contains what looks like/);
    expect(JSON.stringify(report)).not.toContain("219-09-9999");
    expect(await volunteerCount()).toBe(before);
    const [recorded] = await community.db
      .select()
      .from(volunteerImports)
      .where(eq(volunteerImports.id, report.id));
    expect(recorded).toMatchObject({ status: "failed", imported: 0, refused: 1 });
  });

  it("refuses a row whose recruitment_status is enrolled, as only a cohort assignment enrols", async () => {
    const before = await volunteerCount();
    const data = sourceCsv(4, { 1: { recruitment_status: "Enrolled" } });
    const report = reportOf(await upload(staff, { filename: "enrolled.csv", data }));
    expect(report).toMatchObject({ status: "failed", rowsRead: 4, imported: 0, refused: 1 });
    expect(report.report).toEqual([
      {
        line: 3,
        field: "recruitment_status",
        reason: "A volunteer becomes enrolled by being assigned to a study cohort (Studies → Subjects).",
      },
    ]);
    expect(await volunteerCount()).toBe(before);
  });

  it("imports the valid rows and reports the rest when skipInvalid is true", async () => {
    const before = await volunteerCount();
    const data = sourceCsv(10, {
      2: { medical_history: "Lives at 42 Elm Street, Springfield." },
      5: { date_of_birth: "2012-05-01" },
      7: { sex: "unknown", weight_kg: "heavy" },
    });
    const report = reportOf(await upload(staff, { filename: "some-bad.csv", data }, { skipInvalid: "true" }));
    expect(report).toMatchObject({
      status: "completed",
      skipInvalid: true,
      rowsRead: 10,
      imported: 7,
      refused: 3,
    });
    expect(report.report.map((entry) => [entry.line, entry.field])).toEqual([
      [4, "medical_history"],
      [7, "date_of_birth"],
      [9, "sex"],
      [9, "weight_kg"],
    ]);
    expect(await volunteerCount()).toBe(before + 7);
  });

  it("reports malformed rows by line number and skips them", async () => {
    const good = sourceCsv(3).toString("utf8").trimEnd().split("\r\n");
    const text = [
      ...good, // lines 1-4
      "Origx,Short,F", // line 5: too few values
      good[1], // line 6
      `${good[2]?.replace(/^Orig\w+/, '"Orig"x"')}`, // line 7: text after a closing quote
      good[3], // line 8
      '"Unclosed,Quote,F,1980-01-01', // line 9: never closed; swallows the end of the file
      good[1],
    ].join("\n");
    const report = reportOf(
      await upload(staff, { filename: "malformed.csv", data: Buffer.from(text) }, { skipInvalid: "true" }),
    );
    expect(report.report.map((entry) => [entry.line, entry.field])).toEqual([
      [5, null],
      [7, null],
      [9, null],
    ]);
    expect(report.report[0]?.reason).toContain(`Expected ${HEADER.length} values`);
    expect(report).toMatchObject({ rowsRead: 9, imported: 6, refused: 3 });
  });

  it("refuses a file with an unknown column with a 400 naming it, and records nothing", async () => {
    const runs = (await community.db.select().from(volunteerImports)).length;
    const data = Buffer.from(
      `${csvLine([...HEADER, "favourite_colour"])}\r\n${csvLine(HEADER.map(() => ""))},blue\r\n`,
    );
    const response = await upload(staff, { filename: "extra.csv", data });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe("validation");
    expect(response.json().error.fields.file).toContain('"favourite_colour"');
    expect((await community.db.select().from(volunteerImports)).length).toBe(runs);
  });

  it("refuses what is not a CSV file, and a missing required column, with a 400 naming the file", async () => {
    const notCsv = await upload(staff, {
      filename: "photo.png",
      contentType: "image/png",
      data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]),
    });
    expect(notCsv.statusCode).toBe(400);
    expect(notCsv.json().error.fields.file).toBeDefined();
    const noSex = await upload(staff, {
      filename: "no-sex.csv",
      data: Buffer.from(
        "first_name,last_name,date_of_birth,height_cm,weight_kg,region\nA,B,1980-01-01,170,70,Ohio\n",
      ),
    });
    expect(noSex.statusCode).toBe(400);
    expect(noSex.json().error.fields.file).toContain('"sex"');
    const latin1 = await upload(staff, {
      filename: "latin1.csv",
      data: Buffer.concat([Buffer.from("first_name\n"), Buffer.from([0xe9, 0x0a])]),
    });
    expect(latin1.statusCode).toBe(400);
    expect(latin1.json().error.fields.file).toContain("UTF-8");
  });

  it("streams progress lines for checking and writing before the final report", async () => {
    const count = 1200;
    const lines = linesOf(await upload(coordinator, { filename: "big.csv", data: sourceCsv(count) }));
    const progress = lines.filter((line) => line.type === "progress");
    const checking = progress.filter((line) => line.phase === "checking");
    const writing = progress.filter((line) => line.phase === "writing");
    expect(checking.length).toBeGreaterThan(1);
    expect(writing.length).toBeGreaterThan(1);
    expect(checking.at(-1)).toMatchObject({ done: count, total: count });
    expect(writing.at(-1)).toMatchObject({ done: count, total: count });
    expect(lines.indexOf(checking.at(-1) as Line)).toBeLessThan(lines.indexOf(writing[0] as Line));
    expect(lines.at(-1)).toMatchObject({ type: "report", import: { imported: count } });
  });
});

describe("who may import and read imports", () => {
  it("refuses an investigator and a read-only user (403), and a user before the agreement", async () => {
    const data = sourceCsv(1);
    for (const client of [investigator, readOnly]) {
      const response = await upload(client, { filename: "nope.csv", data });
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
      expect((await client.get("/api/sandbox/imports")).statusCode).toBe(403);
    }
    const late = await upload(notAccepted, { filename: "late.csv", data });
    expect(late.statusCode).toBe(403);
    expect(late.json().error.code).toBe("agreement_required");
  });

  it("lists staff every import and anyone else their own, newest first; another's is 404", async () => {
    const mine = reportOf(await upload(recruiter, { filename: "mine.csv", data: sourceCsv(1) }));
    const theirs = reportOf(await upload(coordinator, { filename: "theirs.csv", data: sourceCsv(1) }));

    const recruiterList = (await recruiter.get("/api/sandbox/imports")).json().imports as ImportView[];
    expect(recruiterList[0]?.id).toBe(mine.id);
    expect(recruiterList.every((run) => run.createdBy.id === mine.createdBy.id)).toBe(true);
    expect((await recruiter.get(`/api/sandbox/imports/${mine.id}`)).json()).toMatchObject({
      filename: "mine.csv",
    });
    expect((await recruiter.get(`/api/sandbox/imports/${theirs.id}`)).statusCode).toBe(404);

    const staffList = (await staff.get("/api/sandbox/imports")).json().imports as ImportView[];
    expect(staffList.map((run) => run.id).slice(0, 2)).toEqual([theirs.id, mine.id]);
    expect((await staff.get(`/api/sandbox/imports/${theirs.id}`)).statusCode).toBe(200);
  });
});

describe("the CSV reader", () => {
  it("reads quoted values with commas, doubled quotes and line breaks, CRLF or LF", () => {
    const { records, problems } = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\n1,,3');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, cells: ["a", "b", "c"] },
      { line: 2, cells: ["x, y", 'say "hi"', "two\nlines"] },
      { line: 5, cells: ["1", "", "3"] },
    ]);
  });

  it("reports an unclosed quote at the line it starts and reads on from the next line", () => {
    const { records, problems } = parseCsv('a,b\n"open,1\nc,d\n');
    expect(problems).toEqual([{ line: 2, reason: expect.stringContaining("not closed") }]);
    expect(records.map((r) => r.line)).toEqual([1, 3]);
  });
});

describe("progress throttling", () => {
  it("passes the first and last of each phase and at most one report per 2% in between", () => {
    const seen: number[] = [];
    const report = throttleProgress((progress) => seen.push(progress.done), { intervalMs: 60_000 });
    for (let done = 0; done <= 1000; done += 5) report({ phase: "checking", done, total: 1000 });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1000);
    expect(seen.length).toBe(51);
  });
});

describe("convene sandbox import", () => {
  const run = promisify(execFile);
  const convene = (args: string[], env: NodeJS.ProcessEnv) =>
    run(process.execPath, ["--import", "tsx", "src/server/main.ts", ...args], {
      env,
      cwd: process.cwd(),
    }).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("prints the report and exits 1 when the import failed, 0 when it completed", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-import-cli-"));
    try {
      const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "silent" };
      const file = path.join(dataDir, "volunteers.csv");
      await fs.writeFile(file, sourceCsv(5, { 3: { weight_kg: "0" } }));

      const noStaff = await convene(["sandbox", "import", file], env);
      expect(noStaff.code).toBe(2);
      expect(noStaff.stderr).toContain("no active staff account");

      const created = await convene(["admin", "create-staff", "--email", "ops@vendor.example"], env);
      expect(created.code, created.stderr).toBe(0);

      const failed = await convene(["sandbox", "import", file], env);
      expect(failed.code, failed.stderr).toBe(1);
      expect(failed.stdout).toContain("Rows read: 5; imported: 0; refused: 1.");
      expect(failed.stdout).toContain("line 5, weight_kg: Enter a weight above 0");

      const completed = await convene(["sandbox", "import", file, "--skip-invalid"], env);
      expect(completed.code, completed.stderr).toBe(0);
      expect(completed.stdout).toContain("Import completed. Rows read: 5; imported: 4; refused: 1.");
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
