export { errorBody } from "../../shared/contract.js";
export { emailField, idParam, nameField, passwordField, tokenParam } from "../../shared/fields.js";

import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";

export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
