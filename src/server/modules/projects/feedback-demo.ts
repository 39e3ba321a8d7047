import { type Actor, actingAs, type Ctx } from "../../platform/context.js";
import type { DemoProject } from "./demo-project.js";
import { createRound, saveResponse } from "./feedback.js";

const DAY_MS = 86_400_000;

/**
 * An open feedback round in the demo project, "Pharmacy preview: first impressions", linked to the
 * sandbox's `pharmacy` flag: one answer per organisation, open from now for 14 days, with a rating, a
 * choice and a free-text question. Northwind has answered; Contoso has not, so the summary shows a
 * response rate of one in two.
 */
export async function seedDemoFeedback(ctx: Ctx, demo: DemoProject): Promise<void> {
  const { staff, northwindAdmin } = demo.people;
  const as = (actor: Actor) => actingAs(ctx, actor);
  const now = Date.now();
  const round = await createRound(as(staff), demo.projectId, {
    title: "Pharmacy preview: first impressions",
    description:
      "Try the pharmacy preview in the development environment: receive a lot, label its containers " +
      "and dispense to an enrolled subject. Then tell us how it went; one answer per organisation, " +
      "which anyone of yours in the project can edit until the round closes.",
    questions: [
      {
        kind: "rating",
        prompt: "How easy was it to receive a lot and label its containers?",
        required: true,
      },
      {
        kind: "choice",
        prompt: "Which part would your site use first?",
        options: ["Receipt and labelling", "Storage", "Dispensing", "Accountability"],
        required: true,
      },
      { kind: "text", prompt: "What got in the way, or what is missing?", required: false },
    ],
    // A minute back, so the round is open the moment the seed commits.
    opensAt: new Date(now - 60_000),
    closesAt: new Date(now + 14 * DAY_MS),
    answerScope: "organisation",
    flagKey: "pharmacy",
  });
  const [rating, choice, text] = round.questions;
  if (!rating || !choice || !text) throw new Error("the demo round lost its questions");
  await saveResponse(as(northwindAdmin), demo.projectId, round.id, {
    answers: {
      [rating.id]: 4,
      [choice.id]: "Dispensing",
      [text.id]:
        "Receiving and labelling took minutes. We keep part of each lot in a satellite pharmacy, " +
        "so we need a storage location per container.",
    },
  });
}
