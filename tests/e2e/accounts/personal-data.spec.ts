import fs from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../../../src/server/testing/zip.js";
import {
  api,
  expectAccessible,
  launchBrowser,
  newPage,
  openedDialog,
  screenshot,
  signIn,
} from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

type MailMessage = { to: string; subject: string; text: string };

/** The newest message to `recipient` whose subject matches, read from the outbox by staff. */
async function newestMail(staff: Page, recipient: string, subject: RegExp): Promise<MailMessage> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const { messages } = await api<{ messages: MailMessage[] }>(
      staff,
      "GET",
      `/api/admin/mail?to=${encodeURIComponent(recipient)}`,
    );
    const found = messages.find((message) => subject.test(message.subject));
    if (found) return found;
    await staff.waitForTimeout(250);
  }
  throw new Error(`No mail to ${recipient} about ${subject}`);
}

describe("your data", () => {
  it("a person asks for their data, watches it being prepared and downloads the zip from the e-mailed link", async () => {
    const person = await newPage(browser);
    await signIn(person, "dev@fabrikam.example");
    await person.goto("/profile");
    const section = person.locator("#your-data");
    await section.getByRole("heading", { name: "Download my data" }).waitFor();
    await section.getByRole("button", { name: "Prepare my data" }).click();
    // The progress follows the export's live events until it is ready.
    await section.getByText("Your data is ready").waitFor({ timeout: 30_000 });
    await screenshot(person, "personal-data-ready");

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    const mail = await newestMail(staff, "dev@fabrikam.example", /Your Convene data is ready/);
    const href = /https?:\/\/\S+(\/profile\?export=\S+)/.exec(mail.text)?.[1];
    if (!href) throw new Error(`No download link in:\n${mail.text}`);
    // Staff cannot use the link: it needs the person's own session.
    const refused = await staff.request.get(
      href.replace("/profile?export=", "/api/me/personal-data/exports/").replace("&token=", "/file?token="),
    );
    expect(refused.status()).toBe(404);

    await person.goto(href);
    const download = section.getByRole("link", { name: "Download my data (zip)" });
    await download.waitFor();
    await expectAccessible(person, "the export's download link");
    const [file] = await Promise.all([person.waitForEvent("download"), download.click()]);
    const saved = await file.path();
    const archive = readZip(await fs.readFile(saved));
    for (const name of [
      "profile.json",
      "chat.json",
      "tickets.json",
      "projects.json",
      "groups.json",
      "manifest.json",
    ]) {
      expect(archive.has(name), name).toBe(true);
    }
    expect(JSON.parse(archive.get("profile.json")?.toString() ?? "{}")).toMatchObject({
      email: "dev@fabrikam.example",
    });
  });

  it("explains an erasure and asks for the typed confirmation, on a phone too", async () => {
    const phone = await newPage(browser, { width: 390, height: 844 });
    await signIn(phone, "dev@fabrikam.example");
    await phone.goto("/profile");
    await phone.locator("#your-data").getByRole("button", { name: "Erase my account…" }).click();
    const dialog = await openedDialog(phone, "Erase my account");
    const erase = dialog.getByRole("button", { name: "Erase my account" });
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel("Confirmation").fill("erase my account");
    expect(await erase.isDisabled()).toBe(false);
    await screenshot(phone, "personal-data-erase-390");
    await dialog.getByRole("button", { name: "Keep my account" }).click();
    await dialog.waitFor({ state: "hidden" });
  });

  it("staff erase an account, and the person's chat message shows the pseudonym", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    const { organisations } = await api<{ organisations: { id: string; name: string; domains: string[] }[] }>(
      staff,
      "GET",
      "/api/admin/organisations",
    );
    const fabrikam = organisations.find((organisation) => organisation.domains.includes("fabrikam.example"));
    if (!fabrikam) throw new Error("No Fabrikam in the demo");
    const email = `leaver-${Date.now()}@fabrikam.example`;
    await api(staff, "POST", "/api/invitations", { email, organisationId: fabrikam.id });
    const invitation = await newestMail(staff, email, /invitation/i);
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(invitation.text)?.[1];
    if (!token) throw new Error("No invitation link");

    const person = await newPage(browser);
    await person.goto("/");
    await api(person, "POST", `/api/invitations/${token}/accept`, {
      name: "Lou Leaver",
      password: "leaver-password-1",
    });
    const { channels } = await api<{ channels: { id: string; name: string; isMember: boolean }[] }>(
      person,
      "GET",
      "/api/chat/channels",
    );
    const general = channels.find((channel) => channel.name === "general");
    if (!general) throw new Error("No #general");
    if (!general.isMember) await api(person, "POST", `/api/chat/channels/${general.id}/join`);
    await api(person, "POST", `/api/chat/channels/${general.id}/messages`, {
      clientId: `leaver-${Date.now()}`,
      body: "Thanks for all the help, signing off.",
    });

    await staff.goto("/admin/users");
    await staff.getByLabel("Search").fill("Lou Leaver");
    const row = staff.getByRole("row", { name: /Lou Leaver/ });
    await row.getByRole("button", { name: "Erase…" }).click();
    const dialog = await openedDialog(staff, "Erase Lou Leaver");
    await dialog.getByLabel("Keep it, shown under the pseudonym").check();
    await dialog.getByLabel("Confirmation").fill("erase this account");
    await dialog.getByRole("button", { name: "Erase account" }).click();
    await dialog.waitFor({ state: "hidden" });
    await staff.getByLabel("Search").fill("Former member");
    await staff.getByText("Erased").first().waitFor();
    await screenshot(staff, "admin-users-erased");

    const reader = await newPage(browser);
    await signIn(reader, "member@contoso.example");
    const joined = await api<{ channels: { id: string; name: string; isMember: boolean }[] }>(
      reader,
      "GET",
      "/api/chat/channels",
    );
    if (!joined.channels.find((channel) => channel.id === general.id)?.isMember)
      await api(reader, "POST", `/api/chat/channels/${general.id}/join`);
    await reader.goto(`/chat/${general.id}`);
    const message = reader.getByText("Thanks for all the help, signing off.");
    await message.waitFor();
    await reader
      .getByText(/Former member [0-9A-F]{4}/)
      .first()
      .waitFor();
    expect(await reader.getByText("Lou Leaver").count()).toBe(0);
    await expectAccessible(reader, "chat after an erasure");

    // Their session ended with the erasure.
    const me = await person.request.get("/api/me");
    expect(me.status()).toBe(401);
  });
});
