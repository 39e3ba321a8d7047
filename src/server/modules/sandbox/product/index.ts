// The vendor's real development environment, fronted by Convene: its sign-in (Convene as its OpenID
// provider), provisioning into it (SCIM), the signed calls Convene makes to it (flags, reset) and what it
// sends back. Reached by operations and the sandbox's top files; it reaches access only.
export { productSessionGuardOf, registerProductSignIn } from "./sessions.js";
export { issuerOf, OIDC_PATH } from "./sign-in.js";
