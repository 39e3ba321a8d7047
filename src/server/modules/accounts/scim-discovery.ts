/**
 * SCIM's discovery documents (RFC 7644 4, RFC 7643 5-7): what this service provider supports, its one
 * resource type, and the User schema as far as Convene keeps it. Minimal but valid, so an identity
 * provider's connection test and schema discovery pass.
 */
import { SCIM_SCHEMAS } from "./scim.js";

const MAX_RESULTS = 200;

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SCIM_SCHEMAS.serviceProviderConfig],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, "")}/api/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "The organisation's SCIM token, made by Convene staff, as Authorization: Bearer.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function userResourceType(baseUrl: string) {
  return {
    schemas: [SCIM_SCHEMAS.resourceType],
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "A person of the organisation.",
    schema: SCIM_SCHEMAS.user,
    schemaExtensions: [],
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
  };
}

const text = (name: string, description: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: "string",
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...extra,
});

export function userSchema(baseUrl: string) {
  return {
    schemas: [SCIM_SCHEMAS.schema],
    id: SCIM_SCHEMAS.user,
    name: "User",
    description: "A person of the organisation, as Convene keeps them.",
    attributes: [
      text("userName", "The person's e-mail address, at one of the organisation's domains.", {
        required: true,
        uniqueness: "server",
      }),
      {
        ...text("name", "The person's name; Convene keeps it whole, split at the first space."),
        type: "complex",
        subAttributes: [
          text("formatted", "The whole name."),
          text("givenName", "The first word of the name."),
          text("familyName", "The rest of the name."),
        ],
      },
      text("displayName", "The whole name, as shown to others."),
      {
        ...text("emails", "The person's address: the same as userName."),
        type: "complex",
        multiValued: true,
        subAttributes: [
          text("value", "The address."),
          text("type", "Always work.", { canonicalValues: ["work"] }),
          { ...text("primary", "Always true."), type: "boolean" },
        ],
      },
      {
        ...text("active", "Whether the person may sign in; false deactivates them at once."),
        type: "boolean",
      },
      text("externalId", "The identity provider's id of the person.", { caseExact: true }),
    ],
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${SCIM_SCHEMAS.user}` },
  };
}
