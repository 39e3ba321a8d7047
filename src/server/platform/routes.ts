import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RouteShorthandOptions,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  type Access,
  errorBody,
  isRawAnswer,
  type Operation,
  type OperationSpec,
  type ParsedBody,
  type ParsedParams,
  type ParsedQuery,
  type Reply,
  successStatus,
} from "../../shared/contract.js";
import { errorsOf } from "../../shared/errors.js";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { requireActor, requireStaff } from "./auth/http.js";
import type { ActorCtx, Ctx } from "./context.js";
import { readMultipartForm } from "./files/upload.js";

export type { ActorCtx };

/** Public routes may have a signed-in caller or not; member and staff routes always have one. */
export type CtxFor<A extends Access> = A extends "public" ? Ctx : ActorCtx;

export type RouteInput<O extends OperationSpec> = {
  ctx: CtxFor<O["access"]>;
  params: ParsedParams<O>;
  query: ParsedQuery<O>;
  body: ParsedBody<O>;
  request: FastifyRequest;
  reply: FastifyReply;
};

export type Handler<O extends OperationSpec> = (input: RouteInput<O>) => Promise<Reply<O>>;

/** Fastify options a route may add to its contract's: hooks such as `preValidation`, or `config`. */
export type RouteExtras = Pick<RouteShorthandOptions, "preValidation" | "config">;

/** What a module's routes need from the app. */
export type RouteDeps = { db: Db; config: Config };

/** The service context for a request: the app's database, the caller, and their address. */
export function contextOf(request: FastifyRequest, deps: RouteDeps): Ctx {
  return { db: deps.db, config: deps.config, actor: request.actor, ip: request.ip };
}

function actorContextOf(request: FastifyRequest, deps: RouteDeps, access: Access): Ctx | ActorCtx {
  const ctx = contextOf(request, deps);
  if (access === "public") return ctx;
  return { ...ctx, actor: access === "staff" ? requireStaff(request) : requireActor(request) };
}

/**
 * A session on member and staff routes (with the CSRF header on every write that checks it, public
 * ones too), or else a personal API token as a bearer, which needs no CSRF header; routes that
 * refuse tokens (`bearer: false`) name the session only.
 */
function securityOf(op: OperationSpec): Record<string, string[]>[] {
  const requirement: Record<string, string[]> = {};
  if (op.access !== "public") requirement.session = [];
  if (op.method !== "GET" && op.csrf !== false) requirement.csrf = [];
  const byBrowser = Object.keys(requirement).length > 0 ? [requirement] : [];
  if (op.access === "public" || op.bearer === false) return byBrowser;
  return [...byBrowser, { bearer: [] }];
}

const SUCCESS: Record<number, string> = { 200: "Success.", 201: "Created.", 202: "Accepted." };

/** The OpenAPI schema of a route: validation, the success answer and every documented error. */
function schemaOf(op: OperationSpec): FastifySchema & Record<string, unknown> {
  const response: Record<number, unknown> = {};
  const status = successStatus(op);
  if (op.response === undefined) response[status] = z.null().describe("No content.");
  // A raw answer is sent as a string, buffer or stream, which Fastify never runs through the serializer.
  else if (isRawAnswer(op.response)) {
    const content = { [op.response.contentType]: { schema: z.string().meta({ format: "binary" }) } };
    response[status] = { description: op.response.description, content };
    if (op.response.ranges)
      response[206] = {
        description: "The bytes the Range header asked for; Content-Range says which.",
        content,
      };
  } else
    response[status] = {
      description: z.globalRegistry.get(op.response)?.description ?? SUCCESS[status] ?? "Success.",
      content: { "application/json": { schema: op.response } },
    };
  for (const [statusCode, code] of errorsOf(op)) {
    response[statusCode] = errorBody.describe(`Error: ${code.join(", ")}.`);
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: securityOf(op),
    ...(op.params ? { params: op.params } : {}),
    ...(op.query ? { querystring: op.query } : {}),
    ...(op.body && op.body !== "multipart" ? { body: op.body } : {}),
    ...(op.body === "multipart" ? { consumes: ["multipart/form-data"] } : {}),
    ...(op.form ? { consumes: ["application/json", "multipart/form-data"] } : {}),
    response,
  };
}

/**
 * Registers a module's routes from its contracts:
 * `const route = router(app, deps); route(tickets.open, async ({ ctx, body }) => openTicket(ctx, body))`.
 * The handler gets the validated input and a context whose actor is set on member and staff routes.
 */
export function router(scope: FastifyInstance, deps: RouteDeps) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  return function route<const O extends Operation>(
    op: O,
    handler: Handler<O>,
    extras: RouteExtras = {},
  ): void {
    const status = successStatus(op);
    app.route({
      ...extras,
      method: op.method,
      url: op.path,
      config: {
        ...extras.config,
        access: op.access,
        ...(op.csrf === false ? { csrf: false } : {}),
        ...(op.bearer === false ? { bearer: false } : {}),
        ...(op.pipeline ? { pipeline: true } : {}),
      },
      schema: schemaOf(op),
      ...(op.form ? { preValidation: (request) => readMultipartForm(request, deps.config) } : {}),
      handler: async (request, reply) => {
        const result = await handler({
          ctx: actorContextOf(request, deps, op.access) as CtxFor<O["access"]>,
          params: request.params as ParsedParams<O>,
          query: request.query as ParsedQuery<O>,
          body: request.body as ParsedBody<O>,
          request,
          reply,
        });
        if (isRawAnswer(op.response)) return reply;
        if (reply.sent) return reply;
        reply.status(status);
        return op.response === undefined ? reply.send() : result;
      },
    });
  };
}

export type Route = ReturnType<typeof router>;
