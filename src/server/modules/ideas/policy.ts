import type { Actor } from "../../platform/context.js";
import { AppError, forbidden } from "../../platform/errors.js";

/**
 * Ideas are the whole community's: every signed-in person reads them, posts, votes and comments, so
 * customers of different organisations see each other's ideas (that is the point of the votes per
 * organisation). Only the product team decides: statuses, merges, linked tickets.
 */
export const canDecideIdeas = (actor: Actor) => actor.isStaff;

export function requireIdeaDecider(actor: Actor): void {
  if (!canDecideIdeas(actor)) throw forbidden("Only the product team decides on ideas.");
}

/** A merged duplicate is read-only: its votes and tickets live on the idea it was merged into. */
export function assertNotMerged(idea: { mergedIntoId: string | null }): void {
  if (idea.mergedIntoId)
    throw new AppError("conflict", "This idea was merged into another; vote and follow it there.");
}
