import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, launchBrowser, newPage, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** The HTML the server answers for `path`, as the person signed in on `page` (or nobody). */
async function firstAnswer(page: Page | null, path: string) {
  const response = await (page ?? (await newPage(browser))).request.get(path, { maxRedirects: 0 });
  return { status: response.status(), location: response.headers().location, html: await response.text() };
}

/** What the app noted while taking the server's page over: a page rendered again in the browser. */
function renderedAgain(page: Page): string[] {
  const notes: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("rendered again in the browser"))
      notes.push(`${page.url()}: ${message.text()}`);
  });
  return notes;
}

/** Ned's first ticket in the demo, read as Ned (signed in on `page`). */
async function nedsFirstTicket(page: Page): Promise<{ id: string; subject: string }> {
  const { tickets } = await api<{ tickets: { id: string; subject: string }[] }>(
    page,
    "GET",
    "/api/desk/tickets",
  );
  const ticket = tickets[0];
  if (!ticket) throw new Error("Ned has no ticket in the demo.");
  return ticket;
}

describe("the first screen of a page, rendered by the server", () => {
  it("arrives with the page's own data, which the browser takes over without rendering it again", async () => {
    const member = await newPage(browser, { width: 390, height: 800 });
    await signIn(member, "member@northwind.example");
    const ticket = await nedsFirstTicket(member);

    const answer = await firstAnswer(member, `/desk/tickets/${ticket.id}`);
    expect(answer.status).toBe(200);
    expect(answer.html).toContain(ticket.subject);
    // The page's own styles come inside the HTML, so it is painted styled before any script runs.
    expect(answer.html).toMatch(
      /<style>[^<]+<\/style><link rel="stylesheet" href="\/assets\/[\w-]+\.css" disabled>/,
    );

    const notes = renderedAgain(member);
    for (const path of [
      "/",
      `/desk/tickets/${ticket.id}`,
      "/desk",
      "/projects",
      "/groups",
      "/sandbox/volunteers",
    ]) {
      await member.goto(path);
      await member.getByRole("heading", { level: 1 }).first().waitFor();
    }
    expect(notes).toEqual([]);
  });

  it("shows dates as the visitor's browser does, in its language and time zone, so the browser takes the page over as it is", async () => {
    const where = { locale: "de-DE", timezoneId: "Pacific/Auckland" };
    const member = await newPage(browser, { width: 1280, height: 860 }, where);
    // Signing in is the browser's first visit: from then on the server knows how it shows dates.
    await signIn(member, "member@northwind.example");
    const ticketId = (await nedsFirstTicket(member)).id;
    const ticket = await api<{ createdAt: string }>(member, "GET", `/api/desk/tickets/${ticketId}`);
    const opened = new Intl.DateTimeFormat(where.locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: where.timezoneId,
    }).format(new Date(ticket.createdAt));

    const answer = await firstAnswer(member, `/desk/tickets/${ticketId}`);
    expect(answer.html).toContain(opened);

    const notes = renderedAgain(member);
    await member.goto(`/desk/tickets/${ticketId}`);
    await member.getByText(opened).first().waitFor();
    expect(notes).toEqual([]);
  });

  it("sends a visitor who is not signed in to sign in, from the server, and shows them no one's data", async () => {
    const answer = await firstAnswer(null, "/desk/tickets/01a2467c-2596-7e99-87dc-978d4516a239");
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/sign-in?next=%2Fdesk%2Ftickets%2F01a2467c-2596-7e99-87dc-978d4516a239");
    expect(answer.html).toBe("");
  });

  it("never holds another organisation's data: a ticket of Northwind opened by Contoso's member shows it is not available", async () => {
    const ned = await newPage(browser);
    await signIn(ned, "member@northwind.example");
    const ticket = await nedsFirstTicket(ned);

    const cora = await newPage(browser);
    await signIn(cora, "member@contoso.example");
    const answer = await firstAnswer(cora, `/desk/tickets/${ticket.id}`);
    expect(answer.status).toBe(200);
    expect(answer.html).not.toContain(ticket.subject);
    expect(answer.html).toContain("Ticket not available");
  });

  it("takes /chat to its first channel with a redirect, so the channel's messages are in the first answer", async () => {
    const member = await newPage(browser);
    await signIn(member, "member@northwind.example");
    const answer = await firstAnswer(member, "/chat");
    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(/^\/chat\/[\w-]+$/);
  });
});
