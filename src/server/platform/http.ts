import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";

/** Field schemas shared by every module, so the same input gets the same message everywhere. */
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
export const idParam = z.object({ id: z.uuid({ error: "Not a valid id." }) });
export const tokenParam = z.object({
  token: z.string().min(20, "Not a valid link.").max(100, "Not a valid link."),
});

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
