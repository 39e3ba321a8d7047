import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  expectAccessible,
  joinGeneral,
  launchBrowser,
  newPage,
  screenshot,
  signIn,
} from "../browser.js";

const phoneWidth = 390;

let browser: Browser;
let ned: Page;
let nora: Page;

const PROJECT = "Pharmacy preview feedback";
const ROUND = "Pharmacy preview: first impressions";

/** The demo project Northwind and Contoso take part in. */
async function demoProjectId(page: Page): Promise<string> {
  const { projects } = await api<{ projects: { id: string; name: string }[] }>(page, "GET", "/api/projects");
  const project = projects.find((candidate) => candidate.name === PROJECT);
  if (!project) throw new Error(`No ${PROJECT} project in the demo`);
  return project.id;
}

/**
 * What a notification's link points at ends up wholly on screen (the page scrolls smoothly to it),
 * holding the focus, so the keyboard and a screen reader start there, and highlighted for a moment.
 */
async function expectRevealed(page: Page, target: Locator): Promise<void> {
  await target.waitFor();
  const state = () =>
    target.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return {
        inView: box.top >= 0 && box.bottom <= window.innerHeight,
        focused: document.activeElement === element,
        highlighted: element.hasAttribute("data-highlighted"),
        top: Math.round(box.top),
        bottom: Math.round(box.bottom),
        viewport: window.innerHeight,
      };
    });
  const deadline = Date.now() + 10_000;
  let seen = await state();
  while (!(seen.inView && seen.focused && seen.highlighted) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    seen = await state();
  }
  expect(seen, "the linked element is on screen, focused and highlighted").toMatchObject({
    inView: true,
    focused: true,
    highlighted: true,
  });
}

/** Opens the inbox entry about `title` from For you, as a person would; answers where its link went. */
async function openFromInbox(page: Page, title: string): Promise<string | null> {
  await page.goto("/");
  const link = page.getByTestId("inbox-entry").filter({ hasText: title }).getByRole("link");
  const href = await link.getAttribute("href");
  await link.click();
  return href;
}

const bell = (page: Page, unread: string) =>
  page.getByRole("link", { name: `Notifications, ${unread} unread` });

/** On a phone, nothing makes the page scroll sideways and each of `locators` is on screen. */
async function expectOnPhoneScreen(page: Page, ...locators: Locator[]): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneWidth);
  for (const locator of locators) {
    const box = await locator.boundingBox();
    expect(box, `${locator} is shown`).not.toBeNull();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(phoneWidth);
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  ned = await newPage(browser);
  nora = await newPage(browser);
  await signIn(ned, "member@northwind.example");
  await signIn(nora, "admin@northwind.example");
});
afterAll(() => browser.close());

describe("the inbox: For you and the bell", () => {
  it("marks everything read at once, and says what will show up when nothing is unread", async () => {
    await ned.goto("/");
    await ned.getByRole("heading", { name: "For you" }).waitFor();
    // The demo's chat may already have mentioned Ned: start from an inbox with nothing unread.
    const markAll = ned.getByRole("button", { name: "Mark all read" });
    if (await markAll.isEnabled()) await markAll.click();
    await bell(ned, "none").waitFor();
    await ned.getByText("Unread", { exact: true }).click();
    await ned.getByText("Nothing unread.").waitFor();
    await expectAccessible(ned, "the empty unread inbox");
    await ned.getByText("All", { exact: true }).click();
  });

  // Needs the chat mention to notify (chat's notify wiring): until then no notification is written.
  it("rings the bell live for a mention, lists it, and clears it when the entry is opened", async () => {
    const channelId = await joinGeneral(nora);
    await joinGeneral(ned);
    await api(nora, "POST", `/api/chat/channels/${channelId}/messages`, {
      clientId: `inbox-spec-${Date.now()}`,
      body: "@member@northwind.example could you check the kiosk export before Friday?",
    });

    // No reload: the inbox event refetches the count and the list.
    await bell(ned, "1").waitFor();
    const entry = ned.getByTestId("inbox-entry").filter({ hasText: "could you check the kiosk export" });
    await entry.waitFor();
    await entry.getByText("Nora Admin").waitFor();
    expect(await entry.getAttribute("data-unread")).not.toBeNull();
    await screenshot(ned, "inbox-for-you");

    await entry.getByRole("link").click();
    await ned.waitForURL((url) => url.pathname.startsWith(`/chat/${channelId}`));
    await ned
      .getByTestId("message")
      .filter({ hasText: "could you check the kiosk export" })
      .first()
      .waitFor();
    await bell(ned, "none").waitFor();
    await expectAccessible(ned, "the chat message opened from the inbox");
  });

  it("saves a changed preference, and shows the server's error on the field it is about", async () => {
    await ned.goto("/settings/notifications");
    const desk = ned.locator("section").filter({ has: ned.getByRole("heading", { name: "Service desk" }) });
    const ticketReply = desk.getByLabel("A reply on my ticket");
    await ticketReply.selectOption({ label: "E-mail at once" });
    await ned.getByLabel("Quiet hours").check({ force: true });
    await ned.getByLabel("From", { exact: true }).fill("07:00");
    await ned.getByLabel("To", { exact: true }).fill("07:00");
    await ned.getByRole("button", { name: "Save preferences" }).click();
    await ned.getByText("Quiet hours must start and end at different times.").waitFor();
    expect(await ned.getByLabel("To", { exact: true }).getAttribute("aria-invalid")).toBe("true");

    await ned.getByLabel("To", { exact: true }).fill("08:30");
    await ned.getByLabel("E-mail if unread after (minutes)").fill("30");
    await ned.getByRole("button", { name: "Save preferences" }).click();
    await ned.getByText("Your notification preferences are saved.").waitFor();

    await ned.goto("/settings/notifications");
    expect(await ned.getByLabel("A reply on my ticket").inputValue()).toBe("email_now");
    expect(await ned.getByLabel("E-mail if unread after (minutes)").inputValue()).toBe("30");
    expect(await ned.getByLabel("To", { exact: true }).inputValue()).toBe("08:30");
    await screenshot(ned, "inbox-preferences");
  });

  it("shows staff-only kinds to staff alone", async () => {
    expect(await ned.getByLabel("A new ticket").count()).toBe(0);
    const sam = await newPage(browser);
    await signIn(sam, "staff@vendor.example");
    await sam.goto("/settings/notifications");
    await sam.getByLabel("A new ticket").waitFor();
    await sam.context().close();
  });

  it(`works on a ${phoneWidth} px phone: the bell, the inbox and the preferences`, async () => {
    const phone = await newPage(browser, { width: phoneWidth, height: 844 });
    await signIn(phone, "member@northwind.example");
    await phone.goto("/");
    await phone.getByRole("heading", { name: "For you" }).waitFor();
    await expectOnPhoneScreen(phone, phone.getByRole("link", { name: /^Notifications, / }));
    await screenshot(phone, `inbox-for-you-${phoneWidth}`);
    await phone.goto("/settings/notifications");
    await phone.getByRole("button", { name: "Save preferences" }).waitFor();
    await expectOnPhoneScreen(phone, phone.getByLabel("A reply on my ticket"));
    await screenshot(phone, `inbox-preferences-${phoneWidth}`);
    await phone.context().close();
  });
});

describe("links from project notifications", () => {
  it("open the post at the comment they name: in view, focused and highlighted, on a phone too", async () => {
    const projectId = await demoProjectId(ned);
    const post = await api<{ id: string; title: string }>(ned, "POST", `/api/projects/${projectId}/posts`, {
      category: "question",
      title: "Which label printers did you try?",
      body: "We have **two** models on the pharmacy bench; tell us which one you used.",
    });
    const comment = (body: string) =>
      api<{ id: string }>(nora, "POST", `/api/projects/${projectId}/posts/${post.id}/comments`, { body });
    // Earlier comments push the one the notification names below the fold.
    for (const batch of [1, 2, 3, 4, 5, 6])
      await comment(`Batch ${batch}: the desk printer took every label of the batch without a jam.`);
    const named = await comment("The second printer cut the labels short; we went back to the first.");

    expect(await openFromInbox(ned, post.title)).toBe(
      `/projects/${projectId}/board?post=${post.id}&comment=${named.id}`,
    );
    await expectRevealed(ned, ned.locator(`#comment-${named.id}`));
    await ned.getByTestId("post").getByText(post.title).waitFor();
    await expectAccessible(ned, "a post opened at a comment from the inbox");

    const phone = await newPage(browser, { width: phoneWidth, height: 844 });
    await signIn(phone, "member@northwind.example");
    await openFromInbox(phone, post.title);
    const named390 = phone.locator(`#comment-${named.id}`);
    await expectRevealed(phone, named390);
    await expectOnPhoneScreen(phone, named390);
    // A link to the post alone (a new announcement's) brings the post, below the list, up too.
    await phone.goto(`/projects/${projectId}/board?post=${post.id}`);
    const title = phone.getByTestId("post").getByText(post.title);
    await title.waitFor();
    const box = await title.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 844, `${post.title} is on screen`).toBe(true);
    await phone.context().close();
  });

  it("open the feedback round at the answer the team replied to: in view and focused, on a phone too", async () => {
    const sam = await newPage(browser);
    await signIn(sam, "staff@vendor.example");
    const projectId = await demoProjectId(sam);
    const { rounds } = await api<{ rounds: { id: string; title: string }[] }>(
      sam,
      "GET",
      `/api/projects/${projectId}/rounds`,
    );
    const round = rounds.find((candidate) => candidate.title === ROUND);
    if (!round) throw new Error(`No round ${ROUND} in the demo`);
    const { responses } = await api<{ responses: { id: string; organisation: { name: string } }[] }>(
      sam,
      "GET",
      `/api/projects/${projectId}/rounds/${round.id}/responses`,
    );
    // Nora saved Northwind's answer in the demo: she hears of the team's reply.
    const northwinds = responses.find((response) => response.organisation.name === "Northwind Research Unit");
    if (!northwinds) throw new Error("Northwind has not answered the demo round");
    await api(sam, "PATCH", `/api/projects/${projectId}/rounds/${round.id}/responses/${northwinds.id}`, {
      triage: "planned",
      staffReply: "Locations per container come in the next preview.",
    });
    await sam.context().close();

    expect(await openFromInbox(nora, ROUND)).toBe(
      `/projects/${projectId}/feedback?round=${round.id}&answer=${northwinds.id}`,
    );
    const answer = nora.locator(`#answer-${northwinds.id}`);
    await expectRevealed(nora, answer);
    await answer.getByText("Locations per container come in the next preview.").waitFor();
    await expectAccessible(nora, "a feedback round opened at an answer from the inbox");

    const phone = await newPage(browser, { width: phoneWidth, height: 844 });
    await signIn(phone, "admin@northwind.example");
    await openFromInbox(phone, ROUND);
    const answer390 = phone.locator(`#answer-${northwinds.id}`);
    await expectRevealed(phone, answer390);
    await expectOnPhoneScreen(phone, answer390);
    await phone.context().close();
  });
});

describe("links from group notifications", () => {
  it("open the topic at the reply they name: in view, focused and highlighted", async () => {
    type Posted = { message: { id: string; topicId: string } };
    const started = await api<Posted>(ned, "POST", "/api/groups/site-ops/topics", {
      subject: "Who checks the fridge log at weekends?",
      body: "We rotate it among the **night** staff; how do you do it?",
    });
    const topicId = started.message.topicId;
    const reply = (body: string) =>
      api<Posted>(nora, "POST", `/api/groups/site-ops/topics/${topicId}/messages`, { body });
    // Earlier replies push the one the notification names below the fold.
    for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"])
      await reply(`${day}: the pharmacist on call reads the log at nine and signs it off in the binder.`);
    const named = await reply(
      "Sunday is the odd one out: the site lead does it remotely from the dashboard.",
    );

    expect(await openFromInbox(ned, "Who checks the fridge log at weekends?")).toBe(
      `/groups/site-ops/topics/${topicId}?message=${named.message.id}`,
    );
    await expectRevealed(ned, ned.locator(`#message-${named.message.id}`));
    await expectAccessible(ned, "a group topic opened at a reply from the inbox");
  });
});
