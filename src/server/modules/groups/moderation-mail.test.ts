import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { listOutbox } from "../../platform/mail/service.js";
import { sendDueNotifications } from "../../platform/notifications/mailer.js";
import { updatePreferences } from "../../platform/notifications/service.js";
import { startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { userSummaries } from "../accounts/index.js";
import { users } from "../accounts/schema.js";
import { actorOf } from "../accounts/users.js";
import { createGroup } from "./groups.js";
import { joinGroup, setDelivery, setRole } from "./members.js";
import { approveMessage, rejectMessage, startTopic } from "./topics.js";

let community: TestCommunity;
let groupId: string;
const HANDLE = "held-mail";

const person = (key: keyof TestCommunity["demo"]["people"]) => actorOf(community.demo.people[key]);
const as = (key: keyof TestCommunity["demo"]["people"]) => actingAs(community.ctx, person(key));

/** Runs the missed-mail worker as a node would once the default ten minutes' delay has passed. */
const sendMissedMail = () =>
  sendDueNotifications(community.db, community.config, userSummaries, new Date(Date.now() + 11 * 60_000));

let queuedBefore = new Set<string>();

/** Starts a test: what was queued before it (the demo's own mail, earlier tests) is not looked at. */
async function markOutbox() {
  queuedBefore = new Set((await listOutbox(community.db, { limit: 1000 })).map((mail) => mail.id));
}

/** The e-mails queued to an address since the test started, oldest first. */
async function mailTo(address: string) {
  const mails = await listOutbox(community.db, { to: address, limit: 1000 });
  return mails.filter((mail) => !queuedBefore.has(mail.id)).reverse();
}

const QUEUE_SUBJECT = "Held mail: waiting for approval";

beforeAll(async () => {
  community = await startTestCommunity();
  // Owner: the Northwind member (default preferences). Moderators: the Contoso member, who chose to
  // hear of the queue in the app only, and the Fabrikam developer (deactivated below). Ordinary
  // members: the Northwind admin (default preferences) and the pharmacist, who chose to hear of the
  // fate of their posts in the app only.
  const group = await createGroup(as("northwindMember"), {
    handle: HANDLE,
    name: "Held mail",
    postingPolicy: "moderated",
  });
  groupId = group.id;
  for (const key of ["contosoMember", "fabrikamDev", "northwindAdmin", "northwindPharmacist"] as const)
    await joinGroup(as(key), HANDLE);
  for (const key of ["contosoMember", "fabrikamDev"] as const)
    await setRole(as("northwindMember"), HANDLE, community.demo.people[key].id, "moderator");
  await setDelivery(as("contosoMember"), HANDLE, "none");
  await community.db
    .update(users)
    .set({ status: "deactivated" })
    .where(eq(users.id, community.demo.people.fabrikamDev.id));
  await updatePreferences(as("contosoMember"), { kinds: { "groups.moderation": "app" } });
  await updatePreferences(as("northwindPharmacist"), { kinds: { "groups.moderated": "app" } });
  // What the demo notified people of before is e-mailed now, out of the tests' way.
  await sendMissedMail();
});
afterAll(() => community?.close());
beforeEach(markOutbox);

describe("e-mail about the moderation queue", () => {
  it("reaches the moderators only as their notification e-mail, once unread past their delay", async () => {
    const posted = await startTopic(as("northwindAdmin"), groupId, {
      subject: "Freezer alarm",
      body: "The -80 freezer alarmed overnight.",
      source: "web",
    });
    expect(posted.status).toBe("pending");
    expect(await mailTo("member@northwind.example")).toEqual([]);

    await sendMissedMail();
    const mails = await mailTo("member@northwind.example");
    expect(mails.map((mail) => mail.subject)).toEqual([QUEUE_SUBJECT]);
    const author = community.demo.people.northwindAdmin.name;
    expect(mails[0]?.text).toContain(`${author} · A post waits for my moderation`);
    expect(mails[0]?.text).toContain("Freezer alarm: The -80 freezer alarmed overnight.");
    expect(mails[0]?.text).toContain(`${TEST_ORIGIN}/groups/${HANDLE}/moderation`);
  });

  it("e-mails nothing to a moderator who chose to hear of it in the app only, nor to a deactivated one", async () => {
    await startTopic(as("northwindPharmacist"), groupId, {
      subject: "Courier",
      body: "Is the courier late?",
      source: "email",
    });
    await sendMissedMail();
    expect(await mailTo("member@contoso.example")).toEqual([]);
    expect(await mailTo("dev@fabrikam.example")).toEqual([]);
    const owners = await mailTo("member@northwind.example");
    expect(owners.filter((mail) => mail.text.includes("Is the courier late?"))).toHaveLength(1);
  });
});

describe("e-mail to the author of a moderated post", () => {
  it("tells of a rejection and its reason only as the notification e-mail", async () => {
    const posted = await startTopic(as("northwindAdmin"), groupId, {
      subject: "Off topic",
      body: "Anyone selling a bike?",
      source: "web",
    });
    await rejectMessage(as("northwindMember"), HANDLE, posted.message.id, "Please use the market group.");
    expect(await mailTo("admin@northwind.example")).toEqual([]);

    await sendMissedMail();
    const mails = await mailTo("admin@northwind.example");
    expect(mails.map((mail) => mail.subject)).toEqual(["Off topic"]);
    expect(mails[0]?.text).toContain("Your message was not published: Please use the market group.");
  });

  it("e-mails nothing of an approval or a rejection to an author who chose the app only", async () => {
    const approved = await startTopic(as("northwindPharmacist"), groupId, {
      subject: "Stock count",
      body: "Counting on Friday.",
      source: "web",
    });
    const rejected = await startTopic(as("northwindPharmacist"), groupId, {
      subject: "Lunch",
      body: "Pizza?",
      source: "web",
    });
    await approveMessage(as("northwindMember"), HANDLE, approved.message.id);
    await rejectMessage(as("northwindMember"), HANDLE, rejected.message.id, "Not here, please.");
    await sendMissedMail();
    expect(await mailTo("pharmacist@northwind.example")).toEqual([]);
  });

  it("still mails an approved post to the members who take every message, as the group's own mail", async () => {
    const posted = await startTopic(as("northwindAdmin"), groupId, {
      subject: "Defrost plan",
      body: "Defrosting on Monday.",
      source: "web",
    });
    await approveMessage(as("contosoMember"), HANDLE, posted.message.id);
    const listMail = (await listOutbox(community.db, { limit: 1000 })).filter(
      (mail) => mail.subject === "[Held mail] Defrost plan",
    );
    // The owner and the pharmacist take every message; the Contoso moderator takes none, the author
    // wrote it.
    expect(listMail.map((mail) => mail.toAddress).sort()).toEqual([
      "member@northwind.example",
      "pharmacist@northwind.example",
    ]);
  });
});
