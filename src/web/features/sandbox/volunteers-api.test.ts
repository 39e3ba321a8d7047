import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../app/api.js";
import { type ImportProgress, runImport, type VolunteerImport } from "./volunteers-api.js";

const report: VolunteerImport = {
  id: "0194f7a0-0000-7000-8000-000000000001",
  filename: "people.csv",
  status: "completed",
  skipInvalid: true,
  rowsRead: 3,
  imported: 2,
  refused: 1,
  report: [{ line: 3, field: "weight_kg", reason: "Enter a weight above 0 and at most 400 kg." }],
  createdBy: { id: "0194f7a0-0000-7000-8000-000000000002", name: "Nora Admin" },
  startedAt: "2026-11-25T20:00:00.000Z",
  finishedAt: "2026-11-25T20:00:01.000Z",
};

/** Answers the next fetch with these chunks of body, split wherever the test says. */
function answerWith(chunks: string[], init: ResponseInit = { status: 200 }) {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  const fetchMock = vi.fn(async (_path: string, _init: RequestInit) => new Response(body, init));
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function sentRequest(fetchMock: ReturnType<typeof answerWith>): [string, RequestInit] {
  const call = fetchMock.mock.calls[0];
  if (!call) throw new Error("runImport sent nothing");
  return call;
}

const file = () => new File(["first_name\n"], "people.csv", { type: "text/csv" });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("runImport", () => {
  it("reports each progress line and returns the final report, even when lines are split across chunks", async () => {
    const lines = [
      JSON.stringify({ type: "progress", phase: "checking", done: 1, total: 3 }),
      JSON.stringify({ type: "progress", phase: "writing", done: 2, total: 2 }),
      JSON.stringify({ type: "report", import: report }),
    ].join("\n");
    // Cut mid-line twice, so a message only parses once its chunks are joined.
    answerWith([lines.slice(0, 20), lines.slice(20, 90), `${lines.slice(90)}\n`]);
    const seen: ImportProgress[] = [];
    const result = await runImport(file(), true, (progress) => seen.push(progress));
    expect(seen.map(({ phase, done, total }) => [phase, done, total])).toEqual([
      ["checking", 1, 3],
      ["writing", 2, 2],
    ]);
    expect(result).toEqual(report);
  });

  it("sends the CSRF header and the skip option with the file as multipart form fields", async () => {
    const fetchMock = answerWith([`${JSON.stringify({ type: "report", import: report })}\n`]);
    await runImport(file(), true, () => {});
    const [path, init] = sentRequest(fetchMock);
    expect(path).toBe("/api/sandbox/imports");
    expect((init.headers as Record<string, string>)["x-convene-csrf"]).toBe("1");
    const form = init.body as FormData;
    expect(form.get("skipInvalid")).toBe("true");
    expect((form.get("file") as File).name).toBe("people.csv");
  });

  it("leaves the skip option out when it is not ticked", async () => {
    const fetchMock = answerWith([`${JSON.stringify({ type: "report", import: report })}`]);
    await runImport(file(), false, () => {});
    expect((sentRequest(fetchMock)[1].body as FormData).has("skipInvalid")).toBe(false);
  });

  it("turns a refusal before streaming (an unknown column) into an ApiError naming the field", async () => {
    answerWith(
      [
        JSON.stringify({
          error: {
            code: "validation",
            message: "Unknown column.",
            fields: { file: "Column nickname is not accepted." },
          },
        }),
      ],
      { status: 400, headers: { "content-type": "application/json" } },
    );
    const failure = await runImport(file(), false, () => {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(400);
    expect((failure as ApiError).fields).toEqual({ file: "Column nickname is not accepted." });
  });

  it("throws the server's message when the run breaks off with an error line", async () => {
    answerWith([
      `${JSON.stringify({ type: "progress", phase: "writing", done: 1, total: 2 })}\n`,
      `${JSON.stringify({ type: "error", error: { code: "internal", message: "Nothing was imported." } })}\n`,
    ]);
    await expect(runImport(file(), false, () => {})).rejects.toThrow("Nothing was imported.");
  });

  it("says so when the answer ends without a report, rather than waiting forever", async () => {
    answerWith([`${JSON.stringify({ type: "progress", phase: "checking", done: 1, total: 2 })}\n`]);
    await expect(runImport(file(), false, () => {})).rejects.toThrow(/ended before the import's report/);
  });
});
