/**
 * The OpenAPI document's frame: where the API is served, how callers authenticate, what each tag
 * (one per module) is about, and a last pass over the generated document so that generators and
 * linters (Redocly's recommended rules, openapi-typescript) take it as it is.
 */
import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import type { Config } from "../config.js";
import { version } from "../version.js";
import { CSRF_HEADER, SESSION_COOKIE } from "./auth/http.js";

/** Every operation's tag is one of these; the test of the document fails on any other. */
export const apiTags = [
  {
    name: "accounts",
    description:
      "Signing in and out, password resets, two-step sign-in, passkeys, sessions, access requests, invitations.",
  },
  {
    name: "admin",
    description: "The product team's administration: organisations, people, audit log, outbox.",
  },
  {
    name: "desk",
    description: "The support desk: tickets, their comments and attachments, and the product team's macros.",
  },
  { name: "chat", description: "Channels, direct messages, their messages and attachments, presence." },
  { name: "releases", description: "Release notes, their Atom feed and outgoing webhooks." },
  { name: "projects", description: "Projects: posts, versioned documents, files and feedback rounds." },
  {
    name: "ideas",
    description: "Ideas from members: votes, comments, statuses with their links, merges and linked tickets.",
  },
  {
    name: "knowledge",
    description:
      "Help articles: categories, versions, audiences, suggestions while a ticket is written, drafts from answers.",
  },
  { name: "groups", description: "Groups: membership, topics and messages (also by mail), moderation." },
  {
    name: "imports",
    description:
      "Moving in: Slack, Groups.io and Basecamp exports, each surveyed in a dry run, then imported.",
  },
  {
    name: "sandbox",
    description:
      "The development environment: access, studies, volunteers, enrolments, flags, imports, wipes.",
  },
  {
    name: "pharmacy",
    description: "The development environment's trial pharmacy: products, lots, dispensing.",
  },
  {
    name: "search",
    description: "One search across every kind of item, each by its own module's visibility rules.",
  },
  {
    name: "notifications",
    description: "The inbox: notifications from every room, how each kind reaches me, follows and mutes.",
  },
  { name: "platform", description: "What every module relies on: health, Markdown previews." },
] as const;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const SCHEMA_REF = "#/components/schemas/";

function refsIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, found);
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith(SCHEMA_REF))
        found.add(decodeURIComponent(child.slice(SCHEMA_REF.length)));
      else refsIn(child, found);
    }
  }
}

/**
 * Keeps the named schemas that some operation reaches. Every schema registered with an id gets an
 * input and an output variant; most are only ever used one way, and an unused component is noise
 * to a generator (and a finding to a linter).
 */
export function pruneUnusedSchemas(document: JsonObject): void {
  const components = isObject(document.components) ? document.components : undefined;
  const schemas = components && isObject(components.schemas) ? components.schemas : undefined;
  if (!components || !schemas) return;
  const used = new Set<string>();
  refsIn(document.paths, used);
  const pending = [...used];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const reached = new Set<string>();
    refsIn(schemas[name], reached);
    for (const next of reached)
      if (!used.has(next)) {
        used.add(next);
        pending.push(next);
      }
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

/** A 204 has no body; the generated entry otherwise claims a JSON `null`. */
function dropNoContentBodies(document: JsonObject): void {
  if (!isObject(document.paths)) return;
  for (const item of Object.values(document.paths)) {
    if (!isObject(item)) continue;
    for (const operation of Object.values(item)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      const noContent = operation.responses["204"];
      if (isObject(noContent)) delete noContent.content;
    }
  }
}

/**
 * A record keyed by an enum (`z.record(z.enum([...]), value)`) requires each key; OpenAPI 3.0 has no
 * `propertyNames` to say which, so the keys are named as properties holding the value's schema.
 */
export function nameRecordKeys(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) nameRecordKeys(item);
    return;
  }
  if (!isObject(value)) return;
  for (const child of Object.values(value)) nameRecordKeys(child);
  const { required, additionalProperties } = value;
  if (!Array.isArray(required) || !isObject(additionalProperties)) return;
  const properties = isObject(value.properties) ? value.properties : {};
  for (const name of required)
    if (typeof name === "string" && !(name in properties)) properties[name] = additionalProperties;
  value.properties = properties;
}

/** The options of @fastify/swagger: the document is served at /api/openapi.json. */
export function openApiOptions(config: Config): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      info: { title: "Convene API", version, description: "The customer community platform's JSON API." },
      servers: [{ url: config.publicUrl, description: "This Convene." }],
      tags: [...apiTags],
      components: {
        securitySchemes: {
          session: {
            type: "apiKey",
            in: "cookie",
            name: SESSION_COOKIE,
            description: "The session cookie set by signing in.",
          },
          csrf: {
            type: "apiKey",
            in: "header",
            name: CSRF_HEADER,
            description: "Any value; a browser cannot send it cross-site, so writes need it.",
          },
          bearer: {
            type: "http",
            scheme: "bearer",
            description:
              "A personal API token (`cvn_…`, made on the profile page), sent as `Authorization: Bearer <token>`: " +
              "it acts as its person within its scope (read only, or the development environment only); no CSRF header.",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Schemas registered with an id (the error shape, recursive ones like a folder tree) become named components.
    transformObject: (input) => {
      const document = jsonSchemaTransformObject(input) as unknown as JsonObject;
      dropNoContentBodies(document);
      nameRecordKeys(document.paths);
      nameRecordKeys(document.components);
      pruneUnusedSchemas(document);
      return document as unknown as ReturnType<typeof jsonSchemaTransformObject>;
    },
  };
}
