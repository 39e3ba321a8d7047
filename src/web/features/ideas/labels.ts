import type { IdeaStatus } from "./api.js";

/** Each status's badge colour, the same in the list, on the idea and on the roadmap. */
export const statusColours: Record<IdeaStatus, string> = {
  under_review: "gray",
  planned: "blue",
  in_preview: "grape",
  released: "green",
  declined: "red",
};
