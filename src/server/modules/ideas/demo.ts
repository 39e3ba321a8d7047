import { eq } from "drizzle-orm";
import { type Actor, actingAs, type Ctx } from "../../platform/context.js";
import { ticketRefByNumber } from "../desk/index.js";
import { allFeedbackRoundRefs } from "../projects/index.js";
import { releaseRefByVersion } from "../releases/index.js";
import type { IdeaInput, IdeaStatus } from "./contracts/ideas.js";
import { linkTicket, mergeIdea } from "./decisions.js";
import { commentOnIdea, createIdea, voteForIdea } from "./ideas.js";
import { ideas } from "./schema.js";

export type DemoIdeaPeople = {
  staff: Actor;
  northwindAdmin: Actor;
  northwindMember: Actor;
  contosoMember: Actor;
  fabrikamDev: Actor;
};

/**
 * A populated roadmap for a newcomer: an idea in each column and a declined one, votes from several
 * organisations, a comment, a merged duplicate and a linked ticket. The ideas, votes and comments go
 * through the services; the statuses are written as rows, so seeding tells no one of a change
 * (like the demo's published releases).
 */
export async function seedDemoIdeas(ctx: Ctx, people: DemoIdeaPeople): Promise<void> {
  const as = (actor: Actor) => actingAs(ctx, actor);
  const post = (actor: Actor, input: IdeaInput) => createIdea(as(actor), input);
  const votes = async (ideaId: string, voters: Actor[]) => {
    for (const voter of voters) await voteForIdea(as(voter), ideaId);
  };
  const setStatus = (ideaId: string, status: IdeaStatus, links: Partial<typeof ideas.$inferInsert> = {}) =>
    ctx.db
      .update(ideas)
      .set({ status, ...links })
      .where(eq(ideas.id, ideaId));

  const dispensing = await post(people.northwindMember, {
    title: "Dispense by scanning the container's barcode",
    module: "pharmacy",
    problem:
      "Our pharmacists pick the container, then type its number into the dispensing form. A scan would save " +
      "time at every dose and rule out picking the wrong lot.",
  });
  await votes(dispensing.id, [people.northwindAdmin, people.contosoMember, people.fabrikamDev]);
  await commentOnIdea(as(people.contosoMember), dispensing.id, {
    body: "Same for us at Contoso: we dispense about 40 doses on a dosing day.",
  });
  const [round] = await allFeedbackRoundRefs(ctx.db);
  await setStatus(dispensing.id, "in_preview", { flagKey: "pharmacy", feedbackRoundId: round?.id ?? null });

  const duplicate = await post(people.contosoMember, {
    title: "Barcode scanning in the pharmacy",
    module: "pharmacy",
    problem: "Let us scan lot barcodes instead of typing them.",
  });
  await mergeIdea(as(people.staff), duplicate.id, dispensing.id);

  const visitWindows = await post(people.northwindAdmin, {
    title: "Warn about overlapping visit windows while building a study",
    module: "sandbox",
    problem: "We only learn that two visit windows overlap when the study build fails to publish.",
  });
  await votes(visitWindows.id, [people.northwindMember]);
  const release = await releaseRefByVersion(ctx.db, "26.2");
  await setStatus(visitWindows.id, "released", { releaseId: release?.id ?? null });
  const ticket = await ticketRefByNumber(ctx.db, 1);
  if (ticket) await linkTicket(as(people.staff), visitWindows.id, ticket.number);

  const roundExport = await post(people.contosoMember, {
    title: "Export a feedback round's answers per organisation",
    module: "projects",
    problem: "We want to share our organisation's answers with our own quality team as a spreadsheet.",
  });
  await votes(roundExport.id, [people.northwindAdmin]);
  await setStatus(roundExport.id, "planned");

  const digest = await post(people.fabrikamDev, {
    title: "Show replies threaded in the daily group digest",
    module: "groups",
    problem: "The digest lists every message flat, so a long discussion is hard to follow by e-mail.",
  });
  await votes(digest.id, [people.contosoMember]);

  const theme = await post(people.northwindMember, {
    title: "A dark theme for chat",
    module: "chat",
    problem: "The night shift finds the bright chat hard on the eyes.",
  });
  await setStatus(theme.id, "declined", {
    declineReason:
      "Colours are chosen for the whole community, not one room; a community-wide theme is a separate change.",
  });
}
