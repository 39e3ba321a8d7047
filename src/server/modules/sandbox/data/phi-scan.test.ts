import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../platform/errors.js";
import { runConvene } from "../../../testing/cli.js";
import { startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { type PhiScanReport, phiScanReport } from "./contracts/phi-scan.js";
import { scanForPhi } from "./phi-scan.js";
import { generateVolunteers, type SyntheticVolunteer } from "./synthetic.js";

// --- exports as the vendor's product would write them: synthetic rows, real-looking values planted ---

/** The export's columns, and the synthetic volunteer's field each is read from (none: empty when clean). */
const COLUMNS: readonly (readonly [column: string, field: keyof SyntheticVolunteer | null])[] = [
  ["display_id", "displayId"],
  ["first_name", "firstName"],
  ["last_name", "lastName"],
  ["sex", "sex"],
  ["date_of_birth", "dateOfBirth"],
  ["email", "email"],
  ["phone", "phone"],
  ["zip", null],
  ["region", "region"],
  ["ssn", null],
  ["height_cm", "heightCm"],
  ["weight_kg", "weightKg"],
  ["bmi", "bmi"],
  ["smoker", "smoker"],
  ["recruitment_status", "recruitmentStatus"],
  ["medical_history", "medicalHistory"],
];

/** Real-looking values, each in a known row (1 = the first record) and field, and what the guard calls it. */
const PLANTED = [
  { row: 3, field: "email", value: "jane.doe@gmail.com", category: "email-not-reserved" },
  { row: 17, field: "phone", value: "(415) 867-5309", category: "phone-not-fictional" },
  {
    row: 42,
    field: "medical_history",
    value: "Appendectomy 2009; SSN 123-45-6789 on file",
    category: "us-ssn",
  },
  { row: 64, field: "phone", value: "07911 123456", category: "phone-not-fictional" },
  { row: 77, field: "region", value: "221B Baker Street, London", category: "street-address" },
  { row: 88, field: "medical_history", value: "DOB 14/03/1961, mild asthma", category: "birth-date" },
  { row: 120, field: "ssn", value: "078-05-1120", category: "national-id-field" },
  { row: 150, field: "zip", value: "94110", category: "postcode-too-precise" },
  { row: 199, field: "email", value: "r.patel@outlook.co.uk", category: "email-not-reserved" },
] as const;

const ROWS = 200;

/** A clean value that only a careful reader of RFC 4180 gets right: quotes, a comma, a line break, accents. */
const AWKWARD = { row: 5, field: "medical_history", value: 'Said "no" to caffeine, naïve café\nsecond line' };

function volunteers(count: number, seed = 41): Record<string, string>[] {
  return generateVolunteers({ count, seed }).map((volunteer) =>
    Object.fromEntries(COLUMNS.map(([column, field]) => [column, field ? String(volunteer[field]) : ""])),
  );
}

function plantedRows(): Record<string, string>[] {
  const rows = volunteers(ROWS);
  for (const { row, field, value } of [...PLANTED, AWKWARD])
    (rows[row - 1] as Record<string, string>)[field] = value;
  return rows;
}

/** RFC 4180, as an export writes it: quoted only where needed, nothing added. */
const quoted = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

function csvOf(rows: Record<string, string>[]): Buffer {
  const columns = COLUMNS.map(([column]) => column);
  const lines = [columns.join(","), ...rows.map((row) => columns.map((c) => quoted(row[c] ?? "")).join(","))];
  return Buffer.from(`${lines.join("\r\n")}\r\n`);
}

async function* chunksOf(data: Buffer, size = 64 * 1024) {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

const scan = (filename: string, data: Buffer, size?: number) =>
  scanForPhi({ filename, chunks: chunksOf(data, size) });

/** Keeps the first and last character and masks the rest (at most 30 •). */
const masked = (value: string) => `${value[0]}${"•".repeat(Math.min(value.length - 2, 30))}${value.at(-1)}`;

/** What the report must say of the planted values: their fields in column order, each with its rows. */
function expectedFields(nameOf: (column: string) => string = (column) => column) {
  return COLUMNS.flatMap(([column]) => {
    const found = PLANTED.filter((planted) => planted.field === column);
    if (found.length === 0) return [];
    const counts = new Map<string, number>();
    for (const { category } of found) counts.set(category, (counts.get(category) ?? 0) + 1);
    return [
      {
        field: nameOf(column),
        findings: found.length,
        categories: [...counts]
          .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
          .map(([category, count]) => ({ category, count })),
        examples: found.map(({ row, category, value }) => ({ row, category, masked: masked(value) })),
      },
    ];
  });
}

function expectNoPlantedValue(text: string): void {
  for (const { value } of PLANTED) expect(text).not.toContain(value);
  for (const part of ["jane.doe", "gmail", "867-5309", "123-45-6789", "078-05-1120", "94110", "Baker Street"])
    expect(text).not.toContain(part);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

// --- the service ---

describe("scanning a CSV export", () => {
  it("finds exactly the planted values, by field and row, with every value masked", async () => {
    const report = await scan("volunteers.csv", csvOf(plantedRows()));
    expect(report).toEqual({
      format: "csv",
      rowsScanned: ROWS,
      fieldsScanned: COLUMNS.length,
      findings: PLANTED.length,
      fields: expectedFields(),
      clean: false,
    });
    expect(report.fields[0]?.examples[0]?.masked).toBe("j••••••••••••••••m");
    expectNoPlantedValue(JSON.stringify(report));
  });

  it("reports a clean export from the sandbox's own synthetic generator as clean", async () => {
    const report = await scan("baseline.csv", csvOf(volunteers(3000, 7)));
    expect(report).toEqual({
      format: "csv",
      rowsScanned: 3000,
      fieldsScanned: COLUMNS.length,
      findings: 0,
      fields: [],
      clean: true,
    });
  });

  it("reads the same records whatever the chunks the file arrives in, down to single bytes", async () => {
    const data = csvOf(plantedRows());
    const whole = await scan("volunteers.csv", data, data.length);
    expect(await scan("volunteers.csv", data, 1)).toEqual(whole);
    expect(await scan("volunteers.csv", data, 7)).toEqual(whole);
  });

  it("counts every finding but keeps only the first 20 of a field", async () => {
    const rows = volunteers(1000).map((row, i) => ({ ...row, email: `person${i}@gmail.com` }));
    const report = await scan("volunteers.csv", csvOf(rows));
    expect(report.findings).toBe(1000);
    expect(report.fields).toEqual([
      {
        field: "email",
        findings: 1000,
        categories: [{ category: "email-not-reserved", count: 1000 }],
        examples: Array.from({ length: 20 }, (_, i) => ({
          row: i + 1,
          category: "email-not-reserved",
          masked: masked(`person${i}@gmail.com`),
        })),
      },
    ]);
  });

  it("takes a column's kind from its name, as the volunteer form declares its fields", async () => {
    // A ZIP5 is a postcode only in a postcode column, and a number in any form is a phone number only in a phone column.
    const data = Buffer.from("Postal Code,Mobile Phone,Reference\n94110,415 867 5309,94110\n");
    const report = await scan("export.csv", data);
    expect(report.fields.map(({ field, categories }) => [field, categories])).toEqual([
      ["Postal Code", [{ category: "postcode-too-precise", count: 1 }]],
      ["Mobile Phone", [{ category: "phone-not-fictional", count: 1 }]],
    ]);
  });
});

describe("scanning a JSON export", () => {
  const records = () =>
    plantedRows().map((row) => ({
      ...row,
      height_cm: Number(row.height_cm),
      smoker: row.smoker === "true",
    }));

  it("reads an array of records like the CSV", async () => {
    const report = await scan("volunteers.json", Buffer.from(JSON.stringify(records())));
    expect(report).toEqual({
      format: "json",
      rowsScanned: ROWS,
      fieldsScanned: COLUMNS.length,
      findings: PLANTED.length,
      fields: expectedFields(),
      clean: false,
    });
    expectNoPlantedValue(JSON.stringify(report));
  });

  it("reads the one array of records of an object, past its other members, in any chunks", async () => {
    const wrapped = Buffer.from(
      JSON.stringify({
        exportedAt: "2026-04-01T10:00:00Z",
        source: { system: "product", sites: ["London", "Austin"] },
        tags: ["nightly", "full"],
        volunteers: records(),
      }),
    );
    const array = await scan("volunteers.json", Buffer.from(JSON.stringify(records())));
    expect(await scan("export", wrapped)).toEqual(array);
    expect(await scan("export", wrapped, 3)).toEqual(array);
  });

  it("names nested values by their path, a list's elements as one field", async () => {
    const data = Buffer.from(
      JSON.stringify([
        { id: "V000001", contact: { phone: "+44 20 7946 1234" }, phones: ["020 7946 0123", "07911 123456"] },
        { id: "V000002", contact: { phone: "+44 20 7946 0321" }, phones: [] },
      ]),
    );
    const report = await scan("export.json", data);
    expect(report.fields).toEqual([
      {
        field: "contact.phone",
        findings: 1,
        categories: [{ category: "phone-not-fictional", count: 1 }],
        examples: [{ row: 1, category: "phone-not-fictional", masked: masked("+44 20 7946 1234") }],
      },
      {
        field: "phones[]",
        findings: 1,
        categories: [{ category: "phone-not-fictional", count: 1 }],
        examples: [{ row: 1, category: "phone-not-fictional", masked: masked("07911 123456") }],
      },
    ]);
    expect(report.fieldsScanned).toBe(3);
  });
});

describe("files that cannot be read", () => {
  const cases: [string, string, Buffer, string][] = [
    ["an empty file", "empty.csv", Buffer.alloc(0), "The file is empty."],
    ["whitespace only", "blank.json", Buffer.from("  \n\n "), "The file is empty."],
    [
      "binary data",
      "photo.png",
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      "binary data",
    ],
    ["UTF-16 text", "excel.csv", Buffer.from("\ufeffemail\n", "utf16le"), "UTF-16"],
    [
      "bytes that are not UTF-8",
      "latin1.csv",
      Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xe9, 0x0a]),
      "not UTF-8",
    ],
    [
      "a CSV whose first line is data",
      "export.csv",
      Buffer.from("Jane,Doe,1961-03-14\nJohn,Roe,1970-01-01\n"),
      "header row",
    ],
    ["a CSV with a header and no records", "export.csv", Buffer.from("email,phone\n"), "no records"],
    [
      "an unclosed quote",
      "export.csv",
      Buffer.from('email,notes\na@example.com,"open\n'),
      "Line 2: a quoted value is not closed",
    ],
    [
      "text after a closing quote",
      "export.csv",
      Buffer.from('email,notes\na@example.com,"x"y\n'),
      "Line 2: text follows a closing quote",
    ],
    [
      "malformed JSON",
      "export.json",
      Buffer.from('[{"email": "jane.doe@gmail.com"}, {"email": ]'),
      "Record 2 is not valid JSON",
    ],
    ["a JSON file cut off", "export.json", Buffer.from('[{"email": "jane.doe@gmail.com"}, {"em'), "cut off"],
    [
      "a JSON value that is not records",
      "export.json",
      Buffer.from('"jane.doe@gmail.com"'),
      "array of records",
    ],
    [
      "a JSON array of plain values",
      "export.json",
      Buffer.from('["jane.doe@gmail.com"]'),
      "Record 1 is not an object",
    ],
    [
      "an object without an array",
      "export.json",
      Buffer.from('{"email": "jane.doe@gmail.com"}'),
      "array of records",
    ],
    [
      "an object with two arrays of records",
      "export.json",
      Buffer.from('{"a": [{"x": 1}], "b": [{"y": 2}]}'),
      'more than one array of records ("a" and "b")',
    ],
    ["an empty array", "export.json", Buffer.from("[]"), "no records"],
    ["text after the JSON", "export.json", Buffer.from('[{"x": 1}] {"y": 2}'), "more after the end"],
  ];

  it.each(cases)("refuses %s with a 400 naming file", async (_what, filename, data, message) => {
    const error = await refusal(scan(filename, data));
    expect(error.status).toBe(400);
    expect(error.fields?.file).toContain(message);
    expect(error.message).toBe(error.fields?.file);
    expectNoPlantedValue(error.message);
  });
});

// --- the endpoint ---

describe("POST /api/admin/sandbox/phi-scan", () => {
  let community: TestCommunity;
  const UPLOAD_LIMIT = 256 * 1024;

  beforeAll(async () => {
    community = await startTestCommunity({ maxUploadBytes: UPLOAD_LIMIT });
  }, 180_000);
  afterAll(() => community?.close());

  const upload = async (filename: string, contentType: string, data: Buffer) =>
    (await community.signIn("staff@vendor.example")).upload("/api/admin/sandbox/phi-scan", {
      filename,
      contentType,
      data,
    });

  it("answers staff the report the service gives, as the contract declares it", async () => {
    const data = csvOf(plantedRows());
    const response = await upload("volunteers.csv", "text/csv", data);
    expect(response.statusCode, response.body).toBe(200);
    const report: PhiScanReport = phiScanReport.parse(response.json());
    expect(report).toEqual(await scan("volunteers.csv", data));
    expect(report.clean).toBe(false);
    expectNoPlantedValue(response.body);
  });

  it("tells JSON from CSV by the content when the name and type do not say", async () => {
    const response = await upload(
      "export",
      "application/octet-stream",
      Buffer.from('{"volunteers": [{"email": "a@example.com"}]}'),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ format: "json", rowsScanned: 1, clean: true });
  });

  it("refuses a file it cannot read with a 400 naming file", async () => {
    const response = await upload(
      "photo.png",
      "image/png",
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.file).toContain("binary data");
  });

  it("refuses a file over MAX_UPLOAD_MB with a 413 naming file", async () => {
    const data = csvOf(volunteers(2000));
    expect(data.length).toBeGreaterThan(UPLOAD_LIMIT);
    const response = await upload("volunteers.csv", "text/csv", data);
    expect(response.statusCode).toBe(413);
    expect(response.json().error.fields.file).toContain("At most");
  });

  it("answers a form without the file with a 400 naming file", async () => {
    const staff = await community.signIn("staff@vendor.example");
    const response = await staff.post("/api/admin/sandbox/phi-scan", { file: "volunteers.csv" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.file).toContain("Choose the export");
  });

  it("scans for a pipeline with a development-environment API token, over HTTP as curl sends it", async () => {
    const staff = await community.signIn("staff@vendor.example");
    const created = await staff.post("/api/me/api-tokens", {
      name: "PHI scan in the refresh pipeline",
      access: "write",
      area: "sandbox",
      expiresInDays: 30,
    });
    expect(created.statusCode, created.body).toBe(201);
    const base = await community.listen();
    const form = new FormData();
    form.append("file", new Blob([csvOf(volunteers(50)).toString("utf8")]), "volunteers.csv");
    const response = await fetch(`${base}/api/admin/sandbox/phi-scan`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.json().secret}` },
      body: form,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rowsScanned: 50, findings: 0, clean: true });
  });
});

// --- the CLI ---

describe("convene phi scan", () => {
  let directory: string;
  let dataDir: string;
  const file = (name: string) => path.join(directory, name);
  const convene = (...args: string[]) => runConvene({ dataDir }, "phi", "scan", ...args);

  beforeAll(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "convene-phi-scan-"));
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-phi-scan-data-"));
    await fs.writeFile(file("planted.csv"), csvOf(plantedRows()));
    // Over a megabyte, so the scan reports its progress.
    await fs.writeFile(file("clean.csv"), csvOf(volunteers(7000, 3)));
    await fs.writeFile(file("broken.json"), '[{"email": "jane.doe@gmail.com"}, {"em');
  });
  afterAll(async () => {
    await fs.rm(directory, { recursive: true, force: true });
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("prints the findings by field with masked examples and exits 1", async () => {
    const { code, stdout } = await convene(file("planted.csv"));
    expect(code).toBe(1);
    expect(stdout).toContain(`${file("planted.csv")}: ${ROWS} rows, ${COLUMNS.length} fields scanned.`);
    expect(stdout).toContain(`${PLANTED.length} values look like real personal data, in 6 fields:`);
    expect(stdout).toMatch(/^field +category +count +first rows \(values masked\)$/m);
    expect(stdout).toMatch(/^email +email-not-reserved +2 +3: j•+m, 199: r•+k$/m);
    expect(stdout).toMatch(/^medical_history +birth-date +1 +88: D•+a$/m);
    expect(stdout).toMatch(/^ +us-ssn +1 +42: A•+e$/m);
    expect(stdout).toMatch(/^ssn +national-id-field +1 +120: 0•+0$/m);
    expectNoPlantedValue(stdout);
  }, 60_000);

  it("prints the endpoint's report with --json", async () => {
    const { code, stdout } = await convene(file("planted.csv"), "--json");
    expect(code).toBe(1);
    const report = phiScanReport.parse(JSON.parse(stdout));
    expect(report).toEqual(await scan("planted.csv", csvOf(plantedRows())));
  }, 60_000);

  it("reports a clean export with its progress on stderr and exits 0, without a database", async () => {
    const { code, stdout, stderr } = await convene(file("clean.csv"));
    expect(stdout).toBe(
      `${file("clean.csv")}: 7000 rows, ${COLUMNS.length} fields scanned.\nNo real-looking personal data found.\n`,
    );
    expect(stderr).toMatch(/^Scanning clean\.csv 7000\/7000 rows$/m);
    expect(code).toBe(0);
    // The guard needs no database, so none was opened: the data folder is as empty as it was made.
    expect(await fs.readdir(dataDir)).toEqual([]);
  }, 60_000);

  it("exits 2 on a file it cannot read, saying why", async () => {
    const missing = await convene(file("missing.csv"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`Cannot read ${file("missing.csv")}: no such file.`);
    const broken = await convene(file("broken.json"));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("The JSON ends before it is complete");
    expect(broken.stdout).toBe("");
  }, 60_000);
});
