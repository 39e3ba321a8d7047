import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import type { FeedbackResponse, Round, RoundResults, RoundSummary } from "./contracts/feedback.js";

let community: TestCommunity;
let staff: Client;
/** member@northwind.example (Ned Member) and admin@northwind.example (Nora Admin): Northwind is in the project. */
let ned: Client;
let nora: Client;
/** member@contoso.example: Contoso is in the project too. */
let contoso: Client;
/** dev@fabrikam.example: Fabrikam is not in the project. */
let outsider: Client;
let projectId: string;

const MAX_UPLOAD_BYTES = 64 * 1024;

beforeAll(async () => {
  community = await startTestCommunity({ maxUploadBytes: MAX_UPLOAD_BYTES });
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  outsider = await community.signIn("dev@fabrikam.example");
  const created = await staff.post("/api/projects", {
    name: "Feedback tests",
    purpose: "Rounds under test.",
    startsOn: "2026-04-01",
  });
  expect(created.statusCode, created.body).toBe(201);
  projectId = created.json().id;
  for (const organisation of [community.demo.organisations.northwind, community.demo.organisations.contoso]) {
    const added = await staff.post(`/api/projects/${projectId}/participants`, {
      organisationId: organisation.id,
    });
    expect(added.statusCode, added.body).toBe(201);
  }
});
afterAll(() => community?.close());

type InboxEntry = { item: { id: string; url: string }; notifications: { kind: string; excerpt: string }[] };

/** The kinds of the person's notifications about an item, newest first. */
async function kindsIn(client: Client, itemId: string): Promise<string[]> {
  const inbox = (await client.get("/api/notifications")).json() as { entries: InboxEntry[] };
  return inbox.entries.find((entry) => entry.item.id === itemId)?.notifications.map((n) => n.kind) ?? [];
}

/** The harness has no PUT; this one sends the same session and CSRF headers as its POST. */
const put = (client: Client, url: string, body: object): Promise<LightMyRequestResponse> =>
  community.app.inject({
    method: "PUT",
    url,
    headers: { cookie: client.cookie ?? "", [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
    payload: body,
  });

const rounds = () => `/api/projects/${projectId}/rounds`;
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

const questions = [
  { kind: "rating", prompt: "How easy was receiving a lot?", required: true },
  { kind: "choice", prompt: "What would you use first?", options: ["Receipt", "Dispensing"], required: true },
  { kind: "text", prompt: "What is missing?", required: false },
];

async function openRound(overrides: Record<string, unknown> = {}): Promise<Round> {
  const response = await staff.post(rounds(), {
    title: "Pharmacy first impressions",
    description: "Try the **pharmacy** preview.",
    questions,
    opensAt: hoursFromNow(-1),
    closesAt: hoursFromNow(24),
    answerScope: "organisation",
    ...overrides,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const answer = (client: Client, round: Round, answers: Record<string, unknown>, extra: object = {}) =>
  put(client, `${rounds()}/${round.id}/response`, { answers, ...extra });

const goodAnswers = { q1: 4, q2: "Dispensing", q3: "Storage locations, please." };

async function answered(client: Client, round: Round, answers: Record<string, unknown> = goodAnswers) {
  const response = await answer(client, round, answers);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as FeedbackResponse;
}

async function closeNow(round: Round): Promise<void> {
  const response = await staff.patch(`${rounds()}/${round.id}`, { closesAt: new Date().toISOString() });
  expect(response.statusCode, response.body).toBe(200);
}

describe("opening rounds", () => {
  it("gives every question a stable id, keeps them when staff add one, and links the sandbox flag", async () => {
    const round = await openRound({ flagKey: "pharmacy" });
    expect(round.questions.map((q) => q.id)).toEqual(["q1", "q2", "q3"]);
    expect(round.status).toBe("open");
    expect(round.flag).toEqual({ key: "pharmacy", name: expect.any(String), state: "preview" });
    expect(round.tryUrl).toBe("/sandbox");
    expect(round.descriptionHtml).toContain("<strong>pharmacy</strong>");

    const changed = await staff.patch(`${rounds()}/${round.id}`, {
      questions: [...round.questions, { kind: "rating", prompt: "Would you recommend it?", required: false }],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((changed.json() as Round).questions.map((q) => q.id)).toEqual(["q1", "q2", "q3", "q4"]);
  });

  it("refuses a choice with one option, a close before the opening and an unknown flag, naming each field", async () => {
    const oneOption = await staff.post(rounds(), {
      title: "Bad",
      questions: [{ kind: "choice", prompt: "Pick", options: ["Only"], required: true }],
      opensAt: hoursFromNow(-1),
      closesAt: hoursFromNow(24),
      answerScope: "person",
    });
    expect(oneOption.statusCode).toBe(400);
    expect(oneOption.json().error.fields).toEqual({ "questions.0.options": "Give 2 to 10 options." });

    const backwards = await staff.post(rounds(), {
      title: "Bad",
      questions,
      opensAt: hoursFromNow(48),
      closesAt: hoursFromNow(24),
      answerScope: "person",
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.fields).toHaveProperty("closesAt");

    const noFlag = await staff.post(rounds(), {
      title: "Bad",
      questions,
      opensAt: hoursFromNow(-1),
      closesAt: hoursFromNow(24),
      answerScope: "person",
      flagKey: "no-such-flag",
    });
    expect(noFlag.statusCode).toBe(400);
    expect(noFlag.json().error.fields.flagKey).toContain("no-such-flag");
    const list = (await staff.get(rounds())).json() as { rounds: RoundSummary[] };
    expect(list.rounds.filter((round) => round.title === "Bad")).toEqual([]);
  });

  it("refuses to change a question's kind or options once answers arrived, but lets a prompt be reworded", async () => {
    const round = await openRound();
    await answered(ned, round);
    const reshaped = await staff.patch(`${rounds()}/${round.id}`, {
      questions: round.questions.map((q) => (q.id === "q2" ? { ...q, options: ["Receipt", "Storage"] } : q)),
    });
    expect(reshaped.statusCode).toBe(409);
    const reworded = await staff.patch(`${rounds()}/${round.id}`, {
      questions: round.questions.map((q) =>
        q.id === "q1" ? { ...q, prompt: "How easy was a receipt?" } : q,
      ),
    });
    expect(reworded.statusCode, reworded.body).toBe(200);
  });

  it("tells everyone in the project of a new round, but not the staff who opened it nor another organisation", async () => {
    const round = await openRound();
    expect(await kindsIn(ned, round.id)).toEqual(["projects.feedback_round"]);
    expect(await kindsIn(contoso, round.id)).toEqual(["projects.feedback_round"]);
    expect(await kindsIn(outsider, round.id)).toEqual([]);
    expect(await kindsIn(staff, round.id)).toEqual([]);
  });

  it("refuses customers opening a round (403)", async () => {
    const response = await ned.post(rounds(), {
      title: "Mine",
      questions,
      opensAt: hoursFromNow(-1),
      closesAt: hoursFromNow(24),
      answerScope: "person",
    });
    expect(response.statusCode).toBe(403);
  });
});

describe("answering", () => {
  it("refuses a rating of 6, naming answers.<questionId>, and writes nothing", async () => {
    const round = await openRound();
    const response = await answer(ned, round, { ...goodAnswers, q1: 6 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ "answers.q1": "Rate with a whole number from 1 to 5." });
    expect(((await ned.get(`${rounds()}/${round.id}`)).json() as Round).myResponse).toBeNull();
  });

  it("refuses a choice that is not an option, a missing required answer and an unknown question", async () => {
    const round = await openRound();
    const response = await answer(ned, round, { q2: "Labels", q9: "?" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({
      "answers.q1": "Answer this question.",
      "answers.q2": "Choose one of: Receipt, Dispensing.",
      "answers.q9": "This round has no such question.",
    });
  });

  it("lets a person edit their own answer while the round is open, and refuses with 409 once it closed", async () => {
    const round = await openRound({ answerScope: "person" });
    const first = await answered(ned, round);
    const edited = await answered(ned, round, { ...goodAnswers, q1: 2 });
    expect(edited.id).toBe(first.id);
    expect(edited.answers.q1).toBe(2);

    await closeNow(round);
    const late = await answer(ned, round, { ...goodAnswers, q1: 5 });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toContain("closed");
    const view = (await ned.get(`${rounds()}/${round.id}`)).json() as Round;
    expect(view.status).toBe("closed");
    expect(view.myResponse?.answers.q1).toBe(2);
  });

  it("refuses answers before the round opens (409)", async () => {
    const round = await openRound({ opensAt: hoursFromNow(2), closesAt: hoursFromNow(24) });
    expect(round.status).toBe("upcoming");
    const early = await answer(ned, round, goodAnswers);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain("opens at");
  });

  it("refuses a second answer for an organisation (409 naming who answered) but lets a colleague edit the answer they saw", async () => {
    const round = await openRound({ answerScope: "organisation" });
    const noras = await answered(nora, round);

    const blind = await answer(ned, round, { ...goodAnswers, q1: 1 });
    expect(blind.statusCode).toBe(409);
    expect(blind.json().error.message).toContain("Nora Admin already answered for Northwind Research Unit");

    const seen = (await ned.get(`${rounds()}/${round.id}`)).json() as Round;
    expect(seen.myResponse?.id).toBe(noras.id);
    const edit = await answer(
      ned,
      round,
      { ...goodAnswers, q1: 1 },
      { baseUpdatedAt: seen.myResponse?.updatedAt },
    );
    expect(edit.statusCode, edit.body).toBe(200);
    const edited = edit.json() as FeedbackResponse;
    expect(edited.id).toBe(noras.id);
    expect(edited.answeredBy.name).toBe("Ned Member");

    // Nora's view is now stale: changing Ned's answer from it is refused rather than overwriting it.
    const stale = await answer(nora, round, goodAnswers, { baseUpdatedAt: noras.updatedAt });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toContain("Ned Member");
  });

  it("refuses staff answering a round (403)", async () => {
    const round = await openRound();
    expect((await answer(staff, round, goodAnswers)).statusCode).toBe(403);
  });

  it("attaches files to the answer (type and size checked) for the answer's own people and staff only", async () => {
    const round = await openRound({ answerScope: "organisation" });
    const notYet = await ned.upload(`${rounds()}/${round.id}/response/files`, {
      filename: "notes.txt",
      contentType: "text/plain",
      data: Buffer.from("notes"),
    });
    expect(notYet.statusCode).toBe(409);
    await answered(ned, round);

    const executable = await ned.upload(`${rounds()}/${round.id}/response/files`, {
      filename: "tool.exe",
      contentType: "application/x-msdownload",
      data: Buffer.from("MZ"),
    });
    expect(executable.statusCode).toBe(415);
    const huge = await ned.upload(`${rounds()}/${round.id}/response/files`, {
      filename: "big.txt",
      contentType: "text/plain",
      data: Buffer.alloc(MAX_UPLOAD_BYTES + 1, 97),
    });
    expect(huge.statusCode).toBe(413);

    const stored = await ned.upload(`${rounds()}/${round.id}/response/files`, {
      filename: "screenshot.png",
      contentType: "image/png",
      data: Buffer.from("not really a png"),
    });
    expect(stored.statusCode, stored.body).toBe(201);
    const { url } = stored.json() as { url: string };
    const mine = (await nora.get(`${rounds()}/${round.id}`)).json() as Round;
    expect(mine.myResponse?.files.map((file) => file.filename)).toEqual(["screenshot.png"]);

    const colleague = await nora.get(url);
    expect(colleague.statusCode).toBe(200);
    expect(colleague.headers["content-disposition"]).toContain("inline");
    expect((await staff.get(url)).statusCode).toBe(200);
    expect((await contoso.get(url)).statusCode).toBe(404);
    expect((await outsider.get(url)).statusCode).toBe(404);
  });
});

describe("staff triage and results", () => {
  it("shows the triage and reply on the participant's own answer and notifies whoever saved it, at the answer", async () => {
    const round = await openRound();
    const response = await answered(ned, round);
    const triaged = await staff.patch(`${rounds()}/${round.id}/responses/${response.id}`, {
      triage: "planned",
      staffReply: "Storage locations are **planned** for 26.4.",
    });
    expect(triaged.statusCode, triaged.body).toBe(200);

    const mine = (await ned.get(`${rounds()}/${round.id}`)).json() as Round;
    expect(mine.myResponse).toMatchObject({
      triage: "planned",
      staffReply: "Storage locations are **planned** for 26.4.",
      triagedBy: { name: "Sam Staff" },
    });
    expect(mine.myResponse?.staffReplyHtml).toContain("<strong>planned</strong>");
    const inbox = (await ned.get("/api/notifications")).json() as { entries: InboxEntry[] };
    const entry = inbox.entries.find((e) => e.item.id === round.id);
    expect(entry?.item.url).toBe(`/projects/${projectId}/feedback?round=${round.id}&answer=${response.id}`);
    expect(entry?.notifications[0]).toMatchObject({
      kind: "projects.triage",
      excerpt: "Marked Planned: Storage locations are planned for 26.4.",
    });
    expect(await kindsIn(nora, round.id)).toEqual(["projects.feedback_round"]);
  });

  it("lists answers with their organisation and person for staff, and refuses participants (403)", async () => {
    const round = await openRound({ answerScope: "person" });
    await answered(ned, round);
    await answered(contoso, round, { q1: 3, q2: "Receipt" });
    const list = await staff.get(`${rounds()}/${round.id}/responses`);
    expect(list.statusCode).toBe(200);
    const responses = (list.json() as { responses: FeedbackResponse[] }).responses;
    expect(responses.map((r) => [r.organisation.name, r.answeredBy.name]).sort()).toEqual([
      ["Contoso Clinical", "Cora Member"],
      ["Northwind Research Unit", "Ned Member"],
    ]);
    expect((await ned.get(`${rounds()}/${round.id}/responses`)).statusCode).toBe(403);
    const [contosos] = responses.filter((r) => r.organisation.name === "Contoso Clinical");
    expect(
      (await ned.patch(`${rounds()}/${round.id}/responses/${contosos?.id}`, { triage: "planned" }))
        .statusCode,
    ).toBe(403);
    const nedsView = (await ned.get(`${rounds()}/${round.id}`)).json() as Round;
    expect(nedsView.myResponse?.answeredBy.name).toBe("Ned Member");
    expect(nedsView.responseCount).toBeNull();
  });

  it("summarises the response rate per organisation, the rating distribution and the choice counts", async () => {
    const round = await openRound({ answerScope: "organisation" });
    await answered(nora, round, { q1: 5, q2: "Dispensing", q3: "Fine" });
    const summary = await staff.get(`${rounds()}/${round.id}/summary`);
    expect(summary.statusCode, summary.body).toBe(200);
    const results = summary.json() as RoundResults;
    expect(results.responseCount).toBe(1);
    expect(results.responseRate).toEqual([
      {
        organisationId: community.demo.organisations.contoso.id,
        organisationName: "Contoso Clinical",
        invited: 1,
        responded: 0,
      },
      {
        organisationId: community.demo.organisations.northwind.id,
        organisationName: "Northwind Research Unit",
        invited: 1,
        responded: 1,
      },
    ]);
    expect(results.questions).toEqual([
      {
        id: "q1",
        prompt: "How easy was receiving a lot?",
        kind: "rating",
        answered: 1,
        ratingDistribution: { "1": 0, "2": 0, "3": 0, "4": 0, "5": 1 },
      },
      {
        id: "q2",
        prompt: "What would you use first?",
        kind: "choice",
        answered: 1,
        choiceCounts: { Receipt: 0, Dispensing: 1 },
      },
      { id: "q3", prompt: "What is missing?", kind: "text", answered: 1, textCount: 1 },
    ]);
    expect((await ned.get(`${rounds()}/${round.id}/summary`)).statusCode).toBe(403);
  });

  it("counts people, not organisations, in person scope", async () => {
    const round = await openRound({ answerScope: "person" });
    await answered(ned, round);
    await answered(nora, round, { q1: 1, q2: "Receipt" });
    const results = (await staff.get(`${rounds()}/${round.id}/summary`)).json() as RoundResults;
    const northwind = results.responseRate.find(
      (rate) => rate.organisationName === "Northwind Research Unit",
    );
    // Northwind's demo people: Nora, Ned and Pia, all in the project through their organisation.
    expect(northwind).toMatchObject({ invited: 3, responded: 2 });
    expect(results.questions[0]?.ratingDistribution).toEqual({ "1": 1, "2": 0, "3": 0, "4": 1, "5": 0 });
  });

  it("publishes the numbers as a post everyone in the project reads", async () => {
    const round = await openRound({ title: "Labels round" });
    await answered(ned, round, { q1: 4, q2: "Receipt" });
    const posted = await staff.post(`${rounds()}/${round.id}/summary-post`, { category: "decision" });
    expect(posted.statusCode, posted.body).toBe(201);
    const { id } = posted.json() as { id: string };
    const post = await contoso.get(`/api/projects/${projectId}/posts/${id}`);
    expect(post.statusCode, post.body).toBe(200);
    expect(post.json()).toMatchObject({ category: "decision", title: "Feedback results: Labels round" });
    expect(post.json().body).toContain("| Northwind Research Unit | 1 | 1 |");
    expect(post.json().body).toContain("Average 4.0 of 5 from 1 ratings.");
    expect(((await staff.get(`${rounds()}/${round.id}`)).json() as Round).summaryPostId).toBe(id);
    expect((await ned.post(`${rounds()}/${round.id}/summary-post`, {})).statusCode).toBe(403);
  });

  it("exports the answers as CSV for staff, quoting what needs quoting, and refuses customers (403)", async () => {
    const round = await openRound({ title: "CSV round" });
    await answered(ned, round, { q1: 3, q2: "Receipt", q3: 'Labels say "lot", not batch, please' });
    const csv = await staff.get(`${rounds()}/${round.id}/responses.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const [header, line, ...rest] = csv.body.split("\r\n");
    expect(header).toBe(
      "response_id,organisation,answered_by,answered_by_email,submitted_at,updated_at,triage,staff_reply," +
        "q1: How easy was receiving a lot?,q2: What would you use first?,q3: What is missing?",
    );
    expect(line).toContain(",Northwind Research Unit,Ned Member,member@northwind.example,");
    expect(line).toMatch(/,new,,3,Receipt,"Labels say ""lot"", not batch, please"$/);
    expect(rest).toEqual([""]);
    expect((await ned.get(`${rounds()}/${round.id}/responses.csv`)).statusCode).toBe(403);
    expect((await contoso.get(`${rounds()}/${round.id}/responses.csv`)).statusCode).toBe(403);
  });

  it("exports an answer a spreadsheet would run as a formula as text, behind an apostrophe", async () => {
    const round = await openRound({ title: "Formula round" });
    await answered(ned, round, { q1: 2, q2: "Receipt", q3: '=HYPERLINK("http://evil.example")' });
    const csv = await staff.get(`${rounds()}/${round.id}/responses.csv`);
    expect(csv.statusCode).toBe(200);
    const [, line] = csv.body.split("\r\n");
    // The rating stays a number; the free text starts with an apostrophe, so Excel shows it as typed.
    expect(line).toMatch(/,new,,2,Receipt,"'=HYPERLINK\(""http:\/\/evil\.example""\)"$/);
  });
});

describe("who sees what", () => {
  it("answers 404 to people outside the project for the list, a round and answering", async () => {
    const round = await openRound();
    expect((await outsider.get(rounds())).statusCode).toBe(404);
    expect((await outsider.get(`${rounds()}/${round.id}`)).statusCode).toBe(404);
    expect((await answer(outsider, round, goodAnswers)).statusCode).toBe(404);
  });

  it("shows each organisation only its own answer", async () => {
    const round = await openRound();
    await answered(ned, round);
    const contosos = (await contoso.get(`${rounds()}/${round.id}`)).json() as Round;
    expect(contosos.myResponse).toBeNull();
    expect(contosos.answered).toBe(false);
    const list = (await nora.get(rounds())).json() as { rounds: RoundSummary[] };
    expect(list.rounds.find((r) => r.id === round.id)).toMatchObject({ answered: true, responseCount: null });
  });

  it("puts opened rounds on everyone's timeline and submitted answers on the product team's only", async () => {
    const round = await openRound({ title: "Timeline round" });
    await answered(ned, round);
    type Activity = { activity: { verb: string; itemId: string }[] };
    const verbsFor = async (client: Client) =>
      ((await client.get(`/api/projects/${projectId}/activity?limit=100`)).json() as Activity).activity
        .filter((item) => item.itemId === round.id)
        .map((item) => item.verb);
    expect(await verbsFor(staff)).toEqual(["answer_submitted", "round_opened"]);
    expect(await verbsFor(contoso)).toEqual(["round_opened"]);
    expect(await verbsFor(ned)).toEqual(["round_opened"]);
  });
});

describe("the demo", () => {
  it("seeds an open organisation round on the pharmacy flag that Northwind has answered", async () => {
    const projects = (await staff.get("/api/projects")).json() as {
      projects: { id: string; name: string }[];
    };
    const demo = projects.projects.find((project) => project.name === "Pharmacy preview feedback");
    expect(demo).toBeDefined();
    const list = (await ned.get(`/api/projects/${demo?.id}/rounds`)).json() as { rounds: RoundSummary[] };
    const [round] = list.rounds;
    expect(round).toMatchObject({
      title: "Pharmacy preview: first impressions",
      status: "open",
      answerScope: "organisation",
      answered: true,
    });
    const detail = (await contoso.get(`/api/projects/${demo?.id}/rounds/${round?.id}`)).json() as Round;
    expect(detail.flag?.key).toBe("pharmacy");
    expect(detail.questions.map((q) => q.kind)).toEqual(["rating", "choice", "text"]);
    expect(detail.myResponse).toBeNull();
  });
});
