import nodemailer from "nodemailer";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReceivedMail, startSmtpCatcher } from "../../../src/server/testing/smtp.js";
import { api, joinGeneral, launchBrowser, signIn } from "../browser.js";
import { type DemoServer, freePort, startDemoServer } from "../demo-server.js";

/**
 * What a person away from the app gets: the notification live while the tab is open, an e-mail once it
 * is still unread after their delay (never for what they read meanwhile), and their answer to that
 * e-mail posted where it came from. A community of its own sends its mail to a real SMTP listener here
 * and takes answers on its own group-mail port.
 */
const NED = "member@northwind.example";
const DELAY_MINUTES = 1;
// The worker looks for due e-mail every 30 s: the delay plus two of its rounds, and delivery.
const MAIL_WAIT_MS = (DELAY_MINUTES * 60 + 75) * 1000;

let browser: Browser;
let own: DemoServer;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let groupMailPort: number;
let ned: Page;
let nora: Page;
let sam: Page;

async function pageAs(email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: own.baseUrl, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

const mentionNed = (page: Page, channelId: string, text: string) =>
  api<{ id: string }>(page, "POST", `/api/chat/channels/${channelId}/messages`, {
    clientId: `spec-${text}`.slice(0, 64),
    body: `@${NED} ${text}`,
  });

const replyToOf = (mail: ReceivedMail): string => {
  const header = mail.headers.get("reply-to") as { value: { address: string }[] } | undefined;
  const address = header?.value[0]?.address;
  if (!address) throw new Error(`No Reply-To on "${mail.subject}"`);
  return address;
};

/** Answers an e-mail the way a mail client would: to its Reply-To, quoting it below. */
async function answer(mail: ReceivedMail, text: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: groupMailPort,
    secure: false,
    ignoreTLS: true,
  });
  await transport.sendMail({
    from: NED,
    to: replyToOf(mail),
    subject: `Re: ${mail.subject}`,
    text: `${text}\n\nOn Saturday, Convene wrote:\n${mail.text
      .split("\n")
      .map((line) => `> ${line}`)
      .join("\n")}`,
  });
  transport.close();
}

const toNed = (containing: string) => (mail: ReceivedMail) =>
  mail.to.includes(NED) && mail.text.includes(containing);

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  groupMailPort = await freePort();
  [browser, own] = await Promise.all([
    launchBrowser(),
    freePort().then((port) =>
      startDemoServer(port, { SMTP_URL: smtp.url, GROUP_SMTP_PORT: String(groupMailPort) }),
    ),
  ]);
  [ned, nora, sam] = await Promise.all([
    pageAs(NED),
    pageAs("admin@northwind.example"),
    pageAs("staff@vendor.example"),
  ]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await own?.stop();
  await smtp?.close();
});

describe("e-mail for what a person missed, and answers by e-mail", () => {
  it("e-mails a chat mention and a staff reply left unread, not what was read, and posts the answers where they came from", async () => {
    await api(ned, "PATCH", "/api/notifications/preferences", { emailDelayMinutes: DELAY_MINUTES });
    await api(ned, "POST", "/api/notifications/read", { all: true });
    const general = await joinGeneral(ned);
    await joinGeneral(nora);
    await ned.goto("/");
    await ned.getByRole("heading", { name: "For you" }).waitFor();

    // A mention in #general and a direct message while Ned's tab is open: both show up live; he reads
    // only the direct message (opening #general would have read the mention too).
    await mentionNed(nora, general, "can you check the dosing table before Monday?");
    const me = await api<{ id: string }>(ned, "GET", "/api/me");
    const dm = await api<{ id: string }>(nora, "POST", "/api/chat/dms", { userIds: [me.id] });
    await api(nora, "POST", `/api/chat/channels/${dm.id}/messages`, {
      clientId: "spec-direct-message",
      body: "never mind the labels, sorted.",
    });
    await ned.getByRole("link", { name: "Notifications, 2 unread" }).waitFor();
    await ned.getByRole("link", { name: /never mind the labels/ }).click();
    await ned.getByText("never mind the labels, sorted.").first().waitFor();
    await ned.getByRole("link", { name: "Notifications, 1 unread" }).waitFor();

    // A staff reply on Ned's ticket, which he leaves unread too.
    const { tickets } = await api<{ tickets: { id: string; subject: string }[] }>(
      ned,
      "GET",
      "/api/desk/tickets",
    );
    const ticket = tickets[0];
    if (!ticket) throw new Error("Ned has no ticket in the demo");
    await api(sam, "POST", `/api/desk/tickets/${ticket.id}/comments`, {
      body: "We found the cause: the lot's expiry was in the past.",
    });

    const mentionMail = await smtp.waitFor(toNed("can you check the dosing table"), MAIL_WAIT_MS);
    const ticketMail = await smtp.waitFor(toNed("the lot's expiry was in the past"), MAIL_WAIT_MS);
    expect(mentionMail.text).toContain(`${own.baseUrl}/chat/${general}`);
    expect(ticketMail.text).toContain(`${own.baseUrl}/desk/tickets/${ticket.id}`);
    // What Ned read in the app is never e-mailed.
    expect(smtp.received.some(toNed("never mind the labels"))).toBe(false);

    await answer(mentionMail, "Checked: the dosing table is right.");
    await answer(ticketMail, "Thanks, that explains it.");

    const mentioned = await api<{ messages: { id: string; body: string }[] }>(
      ned,
      "GET",
      `/api/chat/channels/${general}/messages`,
    );
    const root = mentioned.messages.find((message) =>
      message.body.includes("can you check the dosing table"),
    );
    if (!root) throw new Error("The mention is not in #general");
    await ned.goto(`/chat/${general}?thread=${root.id}`);
    await ned.getByText("Checked: the dosing table is right.").waitFor();
    expect(await ned.getByText("On Saturday, Convene wrote").count()).toBe(0);

    await sam.goto(`/desk/tickets/${ticket.id}`);
    await sam.getByText("Thanks, that explains it.").waitFor();
  }, 300_000);
});
