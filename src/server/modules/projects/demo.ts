import { type Actor, actingAs, type Ctx } from "../../platform/context.js";
import type { DemoProject, DemoProjectPeople } from "./demo-project.js";
import { seedDemoDocuments } from "./documents-demo.js";
import { seedDemoFeedback } from "./feedback-demo.js";
import { addComment, createPost } from "./posts.js";
import { addParticipant, createProject } from "./projects.js";

/**
 * The demo collaboration project "Pharmacy preview feedback": Northwind and Contoso take part whole,
 * with a board of posts in each category (one visible to the product team only) and a few comments.
 * Everything goes through the services, so the timeline and notifications are the real ones. The
 * documents and the feedback round of the demo are built on the project afterwards.
 */
export async function seedDemoProjects(
  ctx: Ctx,
  people: DemoProjectPeople,
  organisations: { northwind: string; contoso: string },
): Promise<DemoProject> {
  const { staff, northwindAdmin, northwindMember, contosoMember } = people;
  const as = (actor: Actor) => actingAs(ctx, actor);
  const project = await createProject(as(staff), {
    name: "Pharmacy preview feedback",
    purpose:
      "Shape the **investigational pharmacy** module with the sites that will use it first: try the " +
      "preview in the development environment, tell us what works and what gets in the way, and " +
      "agree the scope of the first release together.",
    startsOn: "2026-03-02",
    endsOn: "2026-06-30",
  });
  for (const organisationId of [organisations.northwind, organisations.contoso]) {
    await addParticipant(as(staff), project.id, { organisationId });
  }

  const welcome = await createPost(as(staff), project.id, {
    category: "announcement",
    title: "Welcome to the pharmacy preview",
    body:
      "The pharmacy preview is switched on in the development environment. Receive a lot, label " +
      "containers and dispense to an enrolled subject, then tell us here what you found.",
  });
  await addComment(as(northwindAdmin), project.id, welcome.id, {
    body: "Thanks! Our pharmacist will try receiving lots this week.",
  });

  const question = await createPost(as(contosoMember), project.id, {
    category: "question",
    title: "Can a lot be split across two storage locations?",
    body: "We keep part of each lot in the satellite pharmacy. Is there a way to record that?",
  });
  await addComment(as(staff), project.id, question.id, {
    body: "Not yet: containers move between receipt, storage and dispense only. Would a location per container cover it?",
  });
  await addComment(as(northwindMember), project.id, question.id, {
    body: "A location per container would work for us too.",
  });

  await createPost(as(staff), project.id, {
    category: "decision",
    title: "Expiry is checked at dispensing",
    body: "Dispensing from an expired lot is refused, with the lot and its expiry named. No override in the first release.",
  });

  await createPost(as(staff), project.id, {
    category: "fyi",
    title: "Internal: storage locations estimate",
    body: "Per-container locations look like two sprints. Do not promise a date to the sites yet.",
    visibility: "staff",
  });

  const demo = { projectId: project.id, people };
  await seedDemoDocuments(ctx, demo);
  await seedDemoFeedback(ctx, demo);
  return demo;
}
