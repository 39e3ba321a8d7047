import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../../platform/errors.js";
import type { RouteDeps } from "../../../platform/routes.js";
import {
  createScimUser,
  deleteScimUser,
  getScimUser,
  listScimUsers,
  patchScimUser,
  replaceScimUser,
  SCIM_SCHEMAS,
  type ScimCtx,
  ScimError,
  type ScimErrorType,
} from "../scim.js";
import { serviceProviderConfig, userResourceType, userSchema } from "../scim-discovery.js";
import { resolveScimToken, scimBaseUrl } from "../scim-tokens.js";

const SCIM_CONTENT_TYPE = "application/scim+json";

/**
 * The one place whose errors leave in another shape than `{ error: { code, message } }`: an identity
 * provider is a SCIM client and reads RFC 7644 3.12's error (`schemas`, `status` as a string,
 * `scimType`, `detail`) to decide whether to retry, re-match a person or report a mapping problem.
 */
function scimErrorOf(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof AppError) {
    const detail = error.fields
      ? Object.entries(error.fields)
          .map(([field, problem]) => `${field}: ${problem}`)
          .join(" ")
      : error.message;
    const scimType: ScimErrorType =
      error.code === "validation" ? "invalidValue" : error.code === "conflict" ? "uniqueness" : null;
    return new ScimError(error.status, scimType, detail);
  }
  switch ((error as FastifyError).code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ScimError(400, "invalidSyntax", "The body is not valid JSON.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ScimError(415, null, `Send ${SCIM_CONTENT_TYPE} (or application/json).`);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ScimError(413, null, "The body is too large.");
    default:
      return new ScimError(500, null, "Something went wrong on our side.");
  }
}

function sendScimError(reply: FastifyReply, error: ScimError) {
  if (error.status === 401) reply.header("www-authenticate", 'Bearer realm="SCIM"');
  return reply
    .status(error.status)
    .type(SCIM_CONTENT_TYPE)
    .send({
      schemas: [SCIM_SCHEMAS.error],
      status: String(error.status),
      ...(error.scimType ? { scimType: error.scimType } : {}),
      detail: error.message,
    });
}

/**
 * SCIM 2.0 at /scim/v2 for identity providers, authenticated by an organisation's SCIM token (never a
 * session or a personal API token; it sits outside /api, so neither the platform's CSRF check nor its
 * bearer tokens apply). Hidden from the OpenAPI document: SCIM describes itself through
 * ServiceProviderConfig, ResourceTypes and Schemas, and its clients are built for that.
 */
export async function scimRoutes(scope: FastifyInstance, deps: RouteDeps): Promise<void> {
  const contexts = new WeakMap<FastifyRequest, ScimCtx>();
  const baseUrl = scimBaseUrl(deps.config);
  const hide = { schema: { hide: true } };

  // Identity providers send DELETE (and sometimes GET) with a JSON content type and no body: an empty
  // body is no body, not a syntax error. Anything else must be JSON.
  const parseJson = scope.getDefaultJsonParser("error", "error");
  scope.removeContentTypeParser("application/json");
  scope.addContentTypeParser(
    ["application/json", SCIM_CONTENT_TYPE],
    { parseAs: "string" },
    (request, body, done) => (body === "" ? done(null, undefined) : parseJson(request, String(body), done)),
  );
  scope.setErrorHandler((error, request, reply) => {
    const scimError = scimErrorOf(error);
    if (scimError.status >= 500) request.log.error(error);
    return sendScimError(reply, scimError);
  });
  scope.setNotFoundHandler((request, reply) =>
    sendScimError(reply, new ScimError(404, null, `There is no SCIM endpoint at ${request.url}.`)),
  );
  scope.addHook("onRequest", async (request) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
    if (!match)
      throw new ScimError(401, null, "Send the organisation's SCIM token as Authorization: Bearer.");
    const client = await resolveScimToken(deps.db, match[1] as string);
    if (!client) throw new ScimError(401, null, "This SCIM token is not valid or has been revoked.");
    contexts.set(request, {
      db: deps.db,
      config: deps.config,
      actor: null,
      ip: request.ip,
      scim: { ...client, baseUrl },
    });
  });
  scope.addHook("onSend", async (_request, reply, payload) => {
    reply.type(SCIM_CONTENT_TYPE);
    return payload;
  });

  const ctxOf = (request: FastifyRequest): ScimCtx => {
    const ctx = contexts.get(request);
    if (!ctx) throw new ScimError(401, null, "Send the organisation's SCIM token as Authorization: Bearer.");
    return ctx;
  };
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  scope.get("/ServiceProviderConfig", hide, async () => serviceProviderConfig(baseUrl));
  scope.get("/ResourceTypes", hide, async () => ({
    schemas: [SCIM_SCHEMAS.list],
    totalResults: 1,
    startIndex: 1,
    itemsPerPage: 1,
    Resources: [userResourceType(baseUrl)],
  }));
  scope.get("/ResourceTypes/:id", hide, async (request) => {
    if (idOf(request) !== "User") throw new ScimError(404, null, `Resource type ${idOf(request)} not found.`);
    return userResourceType(baseUrl);
  });
  scope.get("/Schemas", hide, async () => ({
    schemas: [SCIM_SCHEMAS.list],
    totalResults: 1,
    startIndex: 1,
    itemsPerPage: 1,
    Resources: [userSchema(baseUrl)],
  }));
  scope.get("/Schemas/:id", hide, async (request) => {
    if (idOf(request) !== SCIM_SCHEMAS.user)
      throw new ScimError(404, null, `Schema ${idOf(request)} not found.`);
    return userSchema(baseUrl);
  });

  scope.get("/Users", hide, async (request) =>
    listScimUsers(ctxOf(request), request.query as { filter?: string; startIndex?: string; count?: string }),
  );
  scope.get("/Users/:id", hide, async (request) => getScimUser(ctxOf(request), idOf(request)));
  scope.post("/Users", hide, async (request, reply) => {
    const user = await createScimUser(ctxOf(request), request.body);
    return reply.status(201).header("location", user.meta.location).send(user);
  });
  scope.put("/Users/:id", hide, async (request) =>
    replaceScimUser(ctxOf(request), idOf(request), request.body),
  );
  scope.patch("/Users/:id", hide, async (request) =>
    patchScimUser(ctxOf(request), idOf(request), request.body),
  );
  scope.delete("/Users/:id", hide, async (request, reply) => {
    await deleteScimUser(ctxOf(request), idOf(request));
    return reply.status(204).send();
  });
}
