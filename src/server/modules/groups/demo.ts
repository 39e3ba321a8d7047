import { type Actor, actingAs, type Ctx } from "../../platform/context.js";
import { createGroup } from "./groups.js";
import { joinGroup, setRole } from "./members.js";
import { replyToTopic, startTopic } from "./topics.js";

type DemoPeople = {
  northwindMember: Actor;
  contosoMember: Actor;
  northwindAdmin: Actor;
  northwindPharmacist: Actor;
};

/**
 * "Phase 1 site operations": owned by a Northwind investigator with a Contoso coordinator as moderator,
 * a few topics with replies and #hashtags. Built through the services, like a person would.
 */
export async function seedDemoGroups(ctx: Ctx, people: DemoPeople): Promise<void> {
  const as = (actor: Actor) => actingAs(ctx, actor);
  const owner = people.northwindMember;
  const group = await createGroup(as(owner), {
    handle: "site-ops",
    name: "Phase 1 site operations",
    description: "Running Phase 1 units day to day: **staffing**, dosing days, sample logistics and audits.",
    guidelines: "Be kind, no patient data (use volunteer ids only), tag posts so others find them.",
    joinPolicy: "open",
    postingPolicy: "all",
  });
  for (const person of [people.contosoMember, people.northwindAdmin, people.northwindPharmacist])
    await joinGroup(as(person), group.handle);
  await setRole(as(owner), group.handle, people.contosoMember.id, "moderator");

  const topics: { author: Actor; subject: string; body: string; replies: [Actor, string][] }[] = [
    {
      author: owner,
      subject: "Dosing-day checklist you actually use?",
      body: "We are rewriting our dosing-day checklist. What is on yours that is not in the protocol? #dosing #checklists",
      replies: [
        [people.contosoMember, "Ours starts with a **fridge log check** 2 hours before first dose. #dosing"],
        [
          people.northwindPharmacist,
          "Second-person check of the dispensing label against the randomisation list. #pharmacy",
        ],
      ],
    },
    {
      author: people.contosoMember,
      subject: "Centrifuge downtime and sample stability",
      body: "Our centrifuge failed mid-cohort last week. How long do you keep PK samples on ice before spinning? #samples",
      replies: [
        [
          owner,
          "We validated 60 minutes on wet ice for most small molecules; check your lab manual. #samples",
        ],
      ],
    },
    {
      author: people.northwindAdmin,
      subject: "Sponsor audit next month — what did they ask you?",
      body: "First sponsor audit of the year is coming. Which records did auditors ask for first? #audits",
      replies: [
        [
          people.contosoMember,
          "Delegation log and training records, then the temperature excursions. #audits",
        ],
      ],
    },
  ];
  for (const topic of topics) {
    const { message } = await startTopic(as(topic.author), group.id, {
      subject: topic.subject,
      body: topic.body,
      source: "web",
    });
    for (const [author, body] of topic.replies)
      await replyToTopic(as(author), message.topicId, { body, source: "web" });
  }
}
