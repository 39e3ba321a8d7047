import { type Actor, actingAs, type Ctx } from "../../platform/context.js";
import {
  addMember,
  arriveInChat,
  createChannel,
  ensureAnnouncementsChannel,
  joinChannel,
  openDirectMessage,
  updateChannel,
} from "./channels.js";
import { postMessage, setReaction } from "./messages.js";

type DemoPeople = {
  staff: Actor;
  northwindAdmin: Actor;
  northwindMember: Actor;
  contosoMember: Actor;
  fabrikamDev: Actor;
};

/**
 * A lived-in chat for the demo: #general and #pharmacy-preview with a thread, reactions and a
 * mention, a private Northwind channel, a direct message, and one message that reads like a support
 * request so its author sees the "open a ticket" prompt.
 */
export async function seedDemoChat(ctx: Ctx, people: DemoPeople): Promise<void> {
  await ensureAnnouncementsChannel(ctx.db);
  const as = (person: Actor) => actingAs(ctx, person);
  let counter = 0;
  const say = async (author: Actor, channelId: string, body: string, extra: { threadRootId?: string } = {}) =>
    (await postMessage(as(author), channelId, { clientId: `demo-${++counter}`, body, ...extra })).message;

  const everyone = [people.northwindAdmin, people.northwindMember, people.contosoMember, people.fabrikamDev];
  const general = await createChannel(as(people.staff), {
    name: "general",
    kind: "public",
    topic: "Say hello, share what your unit is working on",
    description: "The community's open room. For help, open a ticket in the Service desk.",
  });
  const pharmacy = await createChannel(as(people.staff), {
    name: "pharmacy-preview",
    kind: "public",
    topic: "Trying the pharmacy preview in the development environment",
    description: "",
  });
  await updateChannel(as(people.staff), general.id, { newcomersJoin: true });
  // The demo's people have been here a while: only someone invited later gets the newcomer's welcome.
  for (const person of [people.staff, ...everyone]) await arriveInChat(as(person));
  for (const person of everyone) await joinChannel(as(person), pharmacy.id);

  await say(
    people.staff,
    general.id,
    "Welcome to the Convene community! Introduce yourselves and your unit.",
  );
  const hello = await say(
    people.northwindMember,
    general.id,
    "Hi all, Ned from Northwind's Phase 1 unit. We run about 30 FIH studies a year.",
  );
  await setReaction(as(people.contosoMember), hello.id, "👋", true);
  await setReaction(as(people.staff), hello.id, "👋", true);
  await say(people.contosoMember, general.id, "Cora from Contoso Clinical here, great to meet everyone.");

  const question = await say(
    people.contosoMember,
    pharmacy.id,
    "How are you labelling containers in the pharmacy preview? We print from the lot screen.",
  );
  await say(people.northwindAdmin, pharmacy.id, "Same, and we scan the barcode at dispensing.", {
    threadRootId: question.id,
  });
  await say(people.staff, pharmacy.id, "Label templates per study are coming in 26.4, feedback welcome!", {
    threadRootId: question.id,
  });
  await say(
    people.staff,
    pharmacy.id,
    "@member@northwind.example could you try the new dispensing checks and tell us what you think?",
  );
  await say(
    people.northwindMember,
    pharmacy.id,
    "The dispensing page gives an error when I pick lot B-2291, it is not working since this morning",
  );

  const team = await createChannel(as(people.northwindAdmin), {
    name: "northwind-team",
    kind: "private",
    topic: "Northwind colleagues only",
    description: "",
  });
  await addMember(as(people.northwindAdmin), team.id, people.northwindMember.id);
  await say(
    people.northwindAdmin,
    team.id,
    "Reminder: sandbox wipe on Friday, export our study designs first.",
  );

  const dm = await openDirectMessage(as(people.northwindMember), [people.contosoMember.id]);
  await say(people.northwindMember, dm.id, "Cora, shall we compare notes on the pharmacy preview next week?");
  await say(people.contosoMember, dm.id, "Yes please, Tuesday works for me.");
}
