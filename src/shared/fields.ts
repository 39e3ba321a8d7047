/** Field schemas shared by every contract, so the same input gets the same message everywhere. */
import { z } from "zod";

export const emailField = z
  .string({ error: "Enter an e-mail address." })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid e-mail address." }).max(254));
export const passwordField = z
  .string({ error: "Enter a password." })
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.");
export const nameField = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(120, "Use at most 120 characters.");
export const uuidField = z.uuid({ error: "Not a valid id." });
export const idParam = z.object({ id: uuidField });
export const tokenParam = z.object({
  token: z.string().min(20, "Not a valid link.").max(100, "Not a valid link."),
});

const atMost = (max: number) => `Use at most ${max.toLocaleString("en-GB")} characters.`;

/** Text that must be given: trimmed, `missing` when absent or blank, at most `max` characters. */
export const requiredText = (missing: string, max: number) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, atMost(max));

/** Text that may be left out or blank: trimmed, `""` when absent, at most `max` characters. */
export const optionalText = (max: number) => z.string().trim().max(max, atMost(max)).default("");

/** A patch body must change something. */
export const someChange = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z
    .object(shape)
    .refine((body) => Object.values(body).some((value) => value !== undefined), "Say what to change.");
