import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { listOutbox } from "../../platform/mail/service.js";
import { startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { users } from "../accounts/schema.js";
import { actorOf } from "../accounts/users.js";
import { createGroup } from "./groups.js";
import { joinGroup, setDelivery, setRole } from "./members.js";
import { replyToTopic, startTopic } from "./topics.js";

let community: TestCommunity;
let groupId: string;
const HANDLE = "held-mail";

const person = (key: keyof TestCommunity["demo"]["people"]) => actorOf(community.demo.people[key]);

/** The moderators' notices queued so far for a topic subject, by recipient. */
async function noticesFor(subject: string) {
  const outbox = await listOutbox(community.db, { limit: 500 });
  return outbox.filter((mail) => mail.subject === `[Held mail] Waiting for approval: ${subject}`);
}

beforeAll(async () => {
  community = await startTestCommunity();
  const { ctx } = community;
  // Owner: the Northwind member. Moderators: the Contoso member (who takes no group mail) and the
  // Fabrikam developer (deactivated below). Ordinary members: the Northwind admin and pharmacist.
  const group = await createGroup(actingAs(ctx, person("northwindMember")), {
    handle: HANDLE,
    name: "Held mail",
    postingPolicy: "moderated",
  });
  groupId = group.id;
  for (const key of ["contosoMember", "fabrikamDev", "northwindAdmin", "northwindPharmacist"] as const)
    await joinGroup(actingAs(ctx, person(key)), HANDLE);
  for (const key of ["contosoMember", "fabrikamDev"] as const)
    await setRole(
      actingAs(ctx, person("northwindMember")),
      HANDLE,
      community.demo.people[key].id,
      "moderator",
    );
  await setDelivery(actingAs(ctx, person("contosoMember")), HANDLE, "none");
  await community.db
    .update(users)
    .set({ status: "deactivated" })
    .where(eq(users.id, community.demo.people.fabrikamDev.id));
});
afterAll(() => community?.close());

describe("moderators' notice of a held message", () => {
  it("e-mails the active owners and moderators, not ordinary members, the deactivated or the author", async () => {
    const posted = await startTopic(actingAs(community.ctx, person("northwindAdmin")), groupId, {
      subject: "Freezer alarm",
      body: [
        "The -80 freezer alarmed overnight.",
        "",
        ...Array.from({ length: 20 }, (_, i) => `line ${i}`),
      ].join("\n"),
      source: "web",
    });
    expect(posted.status).toBe("pending");
    const notices = await noticesFor("Freezer alarm");
    expect(notices.map((mail) => mail.toAddress).sort()).toEqual([
      "member@contoso.example",
      "member@northwind.example",
    ]);
    const [notice] = notices;
    const author = community.demo.people.northwindAdmin.name;
    expect(notice?.text).toContain(`A message from ${author} waits for approval in Held mail: Freezer alarm`);
    expect(notice?.text).toContain("The -80 freezer alarmed overnight.");
    expect(notice?.text).toContain("line 7");
    expect(notice?.text).not.toContain("line 8");
    expect(notice?.text).toContain(`${TEST_ORIGIN}/groups/${HANDLE}/moderation`);
    expect(notice?.headers["Auto-Submitted"]).toBe("auto-generated");
  });

  it("also e-mails them for a held reply that came in by e-mail", async () => {
    const posted = await startTopic(actingAs(community.ctx, person("northwindPharmacist")), groupId, {
      subject: "Courier by mail",
      body: "Is the courier late?",
      source: "email",
    });
    await replyToTopic(actingAs(community.ctx, person("northwindPharmacist")), posted.message.topicId, {
      body: "Still waiting.",
      source: "email",
    });
    const notices = await noticesFor("Courier by mail");
    expect(notices.filter((mail) => mail.text.includes("Still waiting."))).toHaveLength(2);
  });

  it("sends no notice for a message that is published at once", async () => {
    const open = await createGroup(actingAs(community.ctx, person("northwindMember")), {
      handle: "open-mail",
      name: "Open mail",
    });
    await joinGroup(actingAs(community.ctx, person("northwindAdmin")), "open-mail");
    const posted = await startTopic(actingAs(community.ctx, person("northwindAdmin")), open.id, {
      subject: "Published straight away",
      body: "Hello all",
      source: "web",
    });
    expect(posted.status).toBe("published");
    const outbox = await listOutbox(community.db, { limit: 500 });
    // The owner gets the message itself (they take every message), and no notice to approve it.
    expect(
      outbox.filter((mail) => mail.subject.startsWith("[Open mail]")).map((mail) => mail.subject),
    ).toEqual(["[Open mail] Published straight away"]);
  });

  it("sends no notice for a moderator's own post, which never waits", async () => {
    const posted = await startTopic(actingAs(community.ctx, person("contosoMember")), groupId, {
      subject: "From the moderator",
      body: "House rules.",
      source: "web",
    });
    expect(posted.status).toBe("published");
    expect(await noticesFor("From the moderator")).toEqual([]);
  });
});
