import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { me } from "./me.js";

const tag = "accounts";

// --- WebAuthn's JSON forms (as @simplewebauthn/browser sends and reads them) ---

const base64url = z
  .string()
  .max(8192, "That is too long for a passkey's answer.")
  .regex(/^[A-Za-z0-9_-]*$/, "Expected base64url.");

export const passkeyTransports = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"] as const;
export type PasskeyTransport = (typeof passkeyTransports)[number];
/** singleDevice: never leaves its authenticator; multiDevice: may be synced (backed up) elsewhere. */
export const passkeyDeviceTypes = ["singleDevice", "multiDevice"] as const;
export type PasskeyDeviceType = (typeof passkeyDeviceTypes)[number];
/** What a stored challenge was handed out for; an answer is accepted for that ceremony only. */
export const webAuthnCeremonies = ["registration", "second_factor", "sign_in"] as const;
export type WebAuthnCeremony = (typeof webAuthnCeremonies)[number];

const transport = z.enum(passkeyTransports);
const userVerification = z.enum(["required", "preferred", "discouraged"]);
const hints = z.array(z.enum(["hybrid", "security-key", "client-device"]));
const credentialDescriptor = z.object({
  id: base64url,
  type: z.literal("public-key"),
  transports: z.array(transport).optional(),
});

export const creationOptions = z.object({
  rp: z.object({ id: z.string().optional(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
  challenge: z.string(),
  pubKeyCredParams: z.array(z.object({ type: z.literal("public-key"), alg: z.number() })),
  timeout: z.number().optional(),
  excludeCredentials: z.array(credentialDescriptor).optional(),
  authenticatorSelection: z
    .object({
      authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
      requireResidentKey: z.boolean().optional(),
      residentKey: z.enum(["discouraged", "preferred", "required"]).optional(),
      userVerification: userVerification.optional(),
    })
    .optional(),
  hints: hints.optional(),
  attestation: z.enum(["none", "indirect", "direct", "enterprise"]).optional(),
  extensions: z.object({ credProps: z.boolean().optional() }).optional(),
});
export type CreationOptions = z.infer<typeof creationOptions>;

export const requestOptions = z.object({
  challenge: z.string(),
  timeout: z.number().optional(),
  rpId: z.string().optional(),
  allowCredentials: z.array(credentialDescriptor).optional(),
  userVerification: userVerification.optional(),
  hints: hints.optional(),
});
export type RequestOptions = z.infer<typeof requestOptions>;

const clientExtensionResults = z.object({
  credProps: z.object({ rk: z.boolean().optional() }).optional(),
});
const attachment = z.enum(["platform", "cross-platform"]).optional();

export const registrationResponse = z.object({
  id: base64url,
  rawId: base64url,
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    authenticatorData: base64url.optional(),
    transports: z.array(transport).optional(),
    publicKeyAlgorithm: z.number().optional(),
    publicKey: base64url.optional(),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults,
  type: z.literal("public-key"),
});
export type RegistrationResponse = z.output<typeof registrationResponse>;

export const authenticationResponse = z.object({
  id: base64url,
  rawId: base64url,
  response: z.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults,
  type: z.literal("public-key"),
});
export type AuthenticationResponse = z.output<typeof authenticationResponse>;

// --- Convene's own ---

const passkeyName = z
  .string()
  .trim()
  .min(1, "Give the passkey a name, such as the device it is on.")
  .max(80, "Use at most 80 characters.");

export const passkey = z.object({
  id: z.string(),
  name: z.string(),
  deviceType: z.enum(passkeyDeviceTypes),
  /** Synced to the person's other devices by their platform (a multi-device passkey that is backed up). */
  backedUp: z.boolean(),
  transports: z.array(transport),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type Passkey = z.infer<typeof passkey>;

export const newPasskey = z.object({ name: passkeyName, response: registrationResponse });
export type NewPasskey = z.output<typeof newPasskey>;

/**
 * The second step of a password sign-in (details of the 401 `second_factor_required`): which second
 * factors the account has, and for a passkey the request to hand the browser.
 */
export const secondFactorChoices = z.object({
  methods: z.array(z.enum(["passkey", "totp", "recoveryCode"])),
  passkeyOptions: requestOptions.optional(),
});
export type SecondFactorChoices = z.infer<typeof secondFactorChoices>;

// A passkey is a way into the account: its operations refuse API tokens (`bearer: false`), so a leaked
// token cannot add one and take the account over.
export const listPasskeys = operation({
  operationId: "listPasskeys",
  summary: "Your passkeys, newest first, with when each was last used",
  method: "GET",
  path: "/api/me/passkeys",
  bearer: false,
  access: "member",
  tag,
  response: z.object({ passkeys: z.array(passkey) }),
});

export const passkeyRegistrationOptions = operation({
  operationId: "passkeyRegistrationOptions",
  summary: "Start adding a passkey: the options to hand navigator.credentials.create",
  description:
    "The challenge is kept on the server for five minutes and answers one `addPasskey`. The passkey must " +
    "be discoverable and verify the person (PIN, fingerprint, face), so it can also sign in on its own.",
  method: "POST",
  path: "/api/me/passkeys/registration-options",
  bearer: false,
  access: "member",
  tag,
  response: creationOptions,
});

export const addPasskey = operation({
  operationId: "addPasskey",
  summary: "Add a passkey: the authenticator's answer to the registration options, and a name for it",
  method: "POST",
  path: "/api/me/passkeys",
  bearer: false,
  access: "member",
  tag,
  body: newPasskey,
  response: passkey,
  status: 201,
});

export const renamePasskey = operation({
  operationId: "renamePasskey",
  summary: "Rename one of your passkeys",
  method: "PATCH",
  path: "/api/me/passkeys/:id",
  bearer: false,
  access: "member",
  tag,
  params: idParam,
  body: z.object({ name: passkeyName }),
  response: passkey,
});

export const removePasskey = operation({
  operationId: "removePasskey",
  summary: "Remove one of your passkeys, confirmed with your password",
  method: "DELETE",
  path: "/api/me/passkeys/:id",
  bearer: false,
  access: "member",
  tag,
  params: idParam,
  body: z.object({ password: z.string().min(1, "Enter your password.") }),
});

export const passkeySignInOptions = operation({
  operationId: "passkeySignInOptions",
  summary: "Start a passwordless sign-in: the options to hand navigator.credentials.get",
  description:
    "Names no account: the browser offers the passkeys it holds for this site. The challenge is kept on " +
    "the server for five minutes and answers one `signInWithPasskey`.",
  method: "POST",
  path: "/api/auth/passkey/options",
  access: "public",
  tag,
  response: requestOptions,
  errors: ["rate_limited"],
});

export const signInWithPasskey = operation({
  operationId: "signInWithPasskey",
  summary: "Sign in with a passkey alone (it verified the person, so it counts as both factors)",
  description:
    "Sets the session cookie. Refused with 401 naming `response` when the passkey is unknown or removed, its " +
    "answer does not verify (challenge unknown, spent or expired, another site, a counter behind the last " +
    "one seen), or its account is closed or locked.",
  method: "POST",
  path: "/api/auth/passkey",
  access: "public",
  tag,
  body: z.object({ response: authenticationResponse }),
  response: z.object({ user: me }),
  errors: ["unauthenticated", "rate_limited", "organisation_sign_in_required"],
});
