import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { type ReceivedMail, startSmtpCatcher } from "../../testing/smtp.js";
import { ratingToken, verifyRatingToken } from "./satisfaction.js";

let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let community: TestCommunity;
let staff: Client;
let requester: Client;
let outsider: Client;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
  staff = await community.signIn("staff@vendor.example");
  requester = await community.signIn("member@northwind.example");
  outsider = await community.signIn("member@contoso.example");
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

async function resolvedTicket(): Promise<{ id: string; number: number }> {
  const opened = await requester.post("/api/desk/tickets", {
    type: "support_question",
    subject: "The visit schedule does not load",
    description: "Opening the visit schedule shows an empty page.",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const ticket = opened.json();
  const resolved = await staff.patch(`/api/desk/tickets/${ticket.id}`, { status: "resolved" });
  expect(resolved.statusCode, resolved.body).toBe(200);
  return ticket;
}

const linkPost = (token: string, body: object, headers: Record<string, string> = {}) =>
  community.app.inject({
    method: "POST",
    url: `/api/desk/ratings?token=${encodeURIComponent(token)}`,
    payload: body,
    headers,
  });

/** The token with its last character changed to another, so its signature no longer matches. */
const forged = (token: string) => `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;

describe("the rating token", () => {
  it("names the ticket it was made for", async () => {
    const token = await ratingToken(community.config, "0190a000-0000-7000-8000-000000000001");
    expect(await verifyRatingToken(community.config, token)).toBe("0190a000-0000-7000-8000-000000000001");
  });

  it("refuses a token whose ticket was swapped for another", async () => {
    const token = await ratingToken(community.config, "0190a000-0000-7000-8000-000000000001");
    const other = token.replace(
      "0190a000-0000-7000-8000-000000000001",
      "0190a000-0000-7000-8000-000000000002",
    );
    await expect(verifyRatingToken(community.config, other)).rejects.toMatchObject({
      fields: { token: expect.any(String) },
    });
  });

  it("refuses a damaged token and one past its expiry", async () => {
    const token = await ratingToken(community.config, "0190a000-0000-7000-8000-000000000001");
    await expect(verifyRatingToken(community.config, forged(token))).rejects.toMatchObject({
      code: "validation",
    });
    const later = new Date(Date.now() + 31 * 86_400_000);
    await expect(verifyRatingToken(community.config, token, later)).rejects.toMatchObject({
      message: "This rating link has expired.",
    });
  });
});

describe("rating a resolved ticket", () => {
  it("e-mails the requester Good and Bad links when the ticket is resolved", async () => {
    const ticket = await resolvedTicket();
    await community.app.mailer.flush();
    const mail: ReceivedMail = await smtp.waitFor(
      (m) => m.subject.includes(`#${ticket.number}]`) && m.subject.includes("how did we do"),
    );
    expect(mail.text).toMatch(/Good: http\S+\/api\/desk\/ratings\?token=\S+&rating=good/);
    expect(mail.text).toMatch(/Bad: http\S+&rating=bad/);
  });

  it("records nothing on GET: the page asks to confirm, its form posts the rating", async () => {
    const ticket = await resolvedTicket();
    const token = await ratingToken(community.config, ticket.id);
    const page = await community.app.inject({
      method: "GET",
      url: `/api/desk/ratings?token=${encodeURIComponent(token)}&rating=bad`,
      headers: { accept: "text/html" },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="bad" checked');
    expect((await staff.get(`/api/desk/tickets/${ticket.id}`)).json().satisfaction).toBeNull();

    const posted = await community.app.inject({
      method: "POST",
      url: `/api/desk/ratings?token=${encodeURIComponent(token)}`,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      payload: "rating=bad&comment=Took+a+week",
    });
    expect(posted.statusCode, posted.body).toBe(201 === posted.statusCode ? 201 : 200);
    expect(posted.body).toContain("Thank you");
    const seen = (await staff.get(`/api/desk/tickets/${ticket.id}`)).json();
    expect(seen.satisfaction).toMatchObject({ rating: "bad", comment: "Took a week" });
    const queue = (await staff.get("/api/desk/tickets?status=resolved")).json().tickets;
    expect(queue.find((t: { id: string }) => t.id === ticket.id).rating).toBe("bad");
  });

  it("keeps one rating per ticket, which the requester changes in the app", async () => {
    const ticket = await resolvedTicket();
    const token = await ratingToken(community.config, ticket.id);
    expect((await linkPost(token, { rating: "bad" })).statusCode).toBe(200);
    const changed = await requester.put(`/api/desk/tickets/${ticket.id}/rating`, {
      rating: "good",
      comment: "Fixed now",
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      canRate: true,
      satisfaction: { rating: "good", comment: "Fixed now" },
    });
  });

  it("refuses a link for a ticket that was reopened, and one with a forged token", async () => {
    const ticket = await resolvedTicket();
    const token = await ratingToken(community.config, ticket.id);
    await requester.post(`/api/desk/tickets/${ticket.id}/comments`, { body: "Still broken." });
    expect((await linkPost(token, { rating: "good" })).statusCode).toBe(409);
    expect((await linkPost(forged(token), { rating: "good" })).statusCode).toBe(400);
  });

  it("lets only the requester rate in the app", async () => {
    const ticket = await resolvedTicket();
    expect((await staff.put(`/api/desk/tickets/${ticket.id}/rating`, { rating: "good" })).statusCode).toBe(
      403,
    );
    expect((await outsider.put(`/api/desk/tickets/${ticket.id}/rating`, { rating: "good" })).statusCode).toBe(
      404,
    );
    const missing = await requester.put(`/api/desk/tickets/${ticket.id}/rating`, { rating: "great" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields).toHaveProperty("rating");
  });
});
