import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { emailField, idParam } from "../../../../shared/fields.js";
import { domainField } from "./organisations.js";

// --- signing in through an organisation's identity provider ---

/** A path on this site to come back to; anything else (another host, `//host`, `/\host`) is refused. */
export const returnToField = z
  .string()
  .max(2000, "Use at most 2,000 characters.")
  .refine(isLocalPath, "Only a path on this site, such as /projects.");

/**
 * A path that stays on this site when a browser follows it: starts with one slash, and holds no
 * backslash, space or control character (browsers read `/\host` as `//host` and drop tabs and newlines,
 * so `/<tab>/host` would leave the site too).
 */
export function isLocalPath(value: string): boolean {
  if (!value.startsWith("/") || value.startsWith("//")) return false;
  return ![...value].some(
    (character) =>
      character === "\\" ||
      character.trim() === "" ||
      character.charCodeAt(0) < 32 ||
      character.charCodeAt(0) === 127,
  );
}

export const startOrganisationSignIn = operation({
  operationId: "startOrganisationSignIn",
  summary: "Whether an address signs in through its organisation, and where to send the browser",
  description:
    "When the address's domain is covered by its organisation's enabled identity provider, starts a sign-in " +
    "(state, nonce and PKCE verifier kept for ten minutes, the state also in a cookie of this browser) and " +
    "answers the provider's authorization URL; otherwise `redirectUrl` is null and the person signs in with " +
    "a password. 502 when the provider's discovery document cannot be read.",
  method: "POST",
  path: "/api/auth/oidc/start",
  access: "public",
  tag: "accounts",
  body: z.object({ email: emailField, returnTo: returnToField.optional() }),
  response: z.object({ redirectUrl: z.string().nullable() }),
  errors: ["rate_limited", "identity_provider_unavailable"],
});

/** Why a sign-in through an organisation's provider ended back on the sign-in page; the web words each. */
export const organisationSignInProblems = [
  "denied",
  "expired",
  "mismatch",
  "unverified",
  "not_covered",
  "elsewhere",
  "deactivated",
  "disabled",
  "unavailable",
] as const;
export type OrganisationSignInProblem = (typeof organisationSignInProblems)[number];

const callbackText = z.string().max(4000).optional();

export const finishOrganisationSignIn = operation({
  operationId: "finishOrganisationSignIn",
  summary: "Where the identity provider sends the browser back; signs the person in and redirects",
  description:
    "Checks the state against this browser's cookie and the pending sign-in (each works once), exchanges " +
    "the code with the PKCE verifier, checks the ID token's issuer and nonce, requires a verified address " +
    "at a domain the provider covers, then creates the person in the provider's organisation on their " +
    "first sign-in or syncs their name, starts a session (cookie) and redirects (303) to where the " +
    "sign-in began. Any failure redirects to `/sign-in?organisationSignIn=<problem>` instead: `denied`, " +
    "`expired`, `mismatch`, `unverified`, `not_covered`, `elsewhere`, `deactivated`, `disabled`, " +
    "`unavailable`.",
  method: "GET",
  path: "/api/auth/oidc/callback",
  access: "public",
  tag: "accounts",
  query: z.object({
    code: callbackText,
    state: callbackText,
    iss: callbackText,
    error: callbackText,
    error_description: callbackText,
  }),
  response: { contentType: "text/plain", description: "A 303 redirect into the app." },
});

// --- staff configure an organisation's provider ---

const issuerField = z
  .url({ protocol: /^https?$/, error: "Enter the issuer's https:// address." })
  .max(500)
  .refine(
    (value) => value.startsWith("https://") || isLoopbackUrl(value),
    "The issuer must be an https:// address (http:// only on this machine, for testing).",
  );

/** http://localhost and http://127.0.0.1 are allowed (a provider run beside the app in tests); nothing else is. */
export function isLoopbackUrl(value: string): boolean {
  try {
    const { protocol, hostname } = new URL(value);
    return protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(hostname);
  } catch {
    return false;
  }
}

export const identityProviderInput = z
  .object({
    issuer: issuerField,
    clientId: z.string().trim().min(1, "Enter the client id.").max(500),
    /** Write-only: left out to keep the one stored; required the first time. */
    clientSecret: z.string().min(1, "Enter the client secret.").max(2000).optional(),
    domains: z
      .array(domainField)
      .min(1, "Name at least one domain whose people sign in here.")
      .max(50)
      .refine((domains) => new Set(domains).size === domains.length, "A domain is listed twice."),
    enabled: z.boolean(),
    passwordSignIn: z.boolean(),
  })
  .refine((input) => input.passwordSignIn || input.enabled, {
    path: ["passwordSignIn"],
    message: "Password sign-in can be turned off only while the organisation's sign-in is enabled.",
  });
export type IdentityProviderInput = z.output<typeof identityProviderInput>;

export const identityProvider = z.object({
  issuer: z.string(),
  clientId: z.string(),
  domains: z.array(z.string()),
  enabled: z.boolean(),
  updatedAt: z.string(),
});
export type IdentityProvider = z.infer<typeof identityProvider>;

export const organisationSignInSettings = z.object({
  organisationId: z.string(),
  passwordSignIn: z.boolean(),
  /** The client secret is never answered. */
  identityProvider: identityProvider.nullable(),
});
export type OrganisationSignInSettings = z.infer<typeof organisationSignInSettings>;

// Where an organisation's people sign in is decided from a signed-in browser only (`bearer: false`): a
// leaked staff token must not be able to send them to another provider.
export const getOrganisationSignIn = operation({
  operationId: "getOrganisationSignIn",
  summary: "An organisation's identity provider (never its secret) and whether its people may use passwords",
  method: "GET",
  path: "/api/admin/organisations/:id/sign-in",
  bearer: false,
  access: "staff",
  tag: "admin",
  params: idParam,
  response: organisationSignInSettings,
});

export const configureOrganisationSignIn = operation({
  operationId: "configureOrganisationSignIn",
  summary: "Set an organisation's identity provider, the domains it covers and whether passwords still work",
  description:
    "A domain not yet the organisation's is added to it; one of another organisation is a 409. The client " +
    "secret is sealed and never answered; left out, the stored one is kept. Password sign-in can be off only " +
    "while the provider is enabled. Changing the issuer forgets who people were at the old one.",
  method: "PUT",
  path: "/api/admin/organisations/:id/sign-in",
  bearer: false,
  access: "staff",
  tag: "admin",
  params: idParam,
  body: identityProviderInput,
  response: organisationSignInSettings,
});

export const removeOrganisationSignIn = operation({
  operationId: "removeOrganisationSignIn",
  summary: "Remove an organisation's identity provider; its people sign in with passwords again",
  description: "Refused (409) while password sign-in is off for the organisation, so nobody is locked out.",
  method: "DELETE",
  path: "/api/admin/organisations/:id/sign-in",
  bearer: false,
  access: "staff",
  tag: "admin",
  params: idParam,
});

export const checkIssuerDiscovery = operation({
  operationId: "checkIssuerDiscovery",
  summary: "Read an issuer's OpenID discovery document and say whether Convene can use it",
  method: "POST",
  path: "/api/admin/identity-providers/discovery",
  bearer: false,
  access: "staff",
  tag: "admin",
  body: z.object({ issuer: issuerField }),
  response: z.object({
    ok: z.boolean(),
    /** What was found, or what is wrong, in words for the staff member. */
    message: z.string(),
    authorizationEndpoint: z.string().nullable(),
    tokenEndpoint: z.string().nullable(),
  }),
});
