import { z } from "zod";

/** What a custom field asks for: free text, one of its options, a date, or a development-environment study. */
export const formFieldKinds = ["text", "choice", "date", "study"] as const;
export type FormFieldKind = (typeof formFieldKinds)[number];

/** A value as the ticket keeps and shows it: with its label, and a study by protocol number and title. */
export const ticketFieldValue = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(formFieldKinds),
  value: z.string(),
  display: z.string(),
});
export type TicketFieldValue = z.infer<typeof ticketFieldValue>;
