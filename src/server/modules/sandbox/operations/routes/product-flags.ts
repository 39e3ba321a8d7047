import type { FastifyInstance, FastifyRequest } from "fastify";
import { type RouteDeps, router } from "../../../../platform/routes.js";
import { receiveProductFlags } from "../contracts/flags.js";
import { applyProductFlags } from "../flags.js";
import { checkProductFlagsCall } from "../product-flags.js";

/**
 * The product's flag service posting the flags' states. Its signature covers the body's exact bytes,
 * so this scope keeps each JSON body as it came (and parses it too); the signature is checked before
 * anything of the body is looked at, so an unsigned caller learns nothing but why it was refused.
 * Registered in a scope of its own: no other route's JSON is kept as text.
 */
export async function productFlagRoutes(scope: FastifyInstance, deps: RouteDeps): Promise<void> {
  const rawBodies = new WeakMap<FastifyRequest, string>();
  const unreadable = new WeakMap<FastifyRequest, Error>();
  const parseJson = scope.getDefaultJsonParser("error", "error");
  scope.removeContentTypeParser("application/json");
  scope.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = String(body);
    rawBodies.set(request, text);
    // Malformed JSON is answered after the signature check, like any other problem of the body.
    parseJson(request, text, (error, parsed) => {
      if (error) unreadable.set(request, error);
      done(null, error ? undefined : parsed);
    });
  });
  const route = router(scope, deps);
  route(
    receiveProductFlags,
    async ({ ctx, body }) => ({ changes: await applyProductFlags(ctx, body.flags) }),
    {
      preValidation: async (request) => {
        checkProductFlagsCall(deps.config, {
          rawBody: rawBodies.get(request) ?? "",
          headers: request.headers,
        });
        const error = unreadable.get(request);
        if (error) throw error;
      },
    },
  );
}
