import { z } from "zod";

/** The requester's one-click verdict on a resolved ticket. */
export const ratings = ["good", "bad"] as const;
export type Rating = (typeof ratings)[number];

export const satisfaction = z.object({
  rating: z.enum(ratings),
  comment: z.string(),
  ratedAt: z.string(),
});
export type Satisfaction = z.infer<typeof satisfaction>;
