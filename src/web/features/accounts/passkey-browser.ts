import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
} from "@simplewebauthn/browser";
import { useSyncExternalStore } from "react";
import type { AuthenticationResponse, RequestOptions } from "./api.js";
import { accountsApi } from "./api.js";

export { browserSupportsWebAuthn };

const unchanging = () => () => {};
// The server renders a page without knowing the browser: as one without passkeys, which the browser
// then corrects once it has taken the page over.
const unknownOnTheServer = () => false;

/** Whether this browser can use passkeys, for rendering: the server's first screen assumes not. */
export function useBrowserSupportsPasskeys(): boolean {
  return useSyncExternalStore(unchanging, browserSupportsWebAuthn, unknownOnTheServer);
}

/**
 * What a person is told when the browser's passkey prompt ends without an answer: cancelled, timed out,
 * no passkey for this site, or one already added. The browser's own messages name APIs, not people's
 * choices.
 */
function explain(error: unknown): Error {
  if (error instanceof WebAuthnError && error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
    return new Error("This device's passkey is already on your account.");
  }
  if (error instanceof Error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
    return new Error("No passkey was used: the request was cancelled or timed out. Try again.");
  }
  return error instanceof Error ? error : new Error("The passkey could not be used.");
}

/** Asks the browser to make a passkey for this site and adds it to the account under `name`. */
export async function createPasskey(name: string) {
  const optionsJSON = await accountsApi.passkeyRegistrationOptions();
  let response: Awaited<ReturnType<typeof startRegistration>>;
  try {
    response = await startRegistration({ optionsJSON });
  } catch (error) {
    throw explain(error);
  }
  return accountsApi.addPasskey({ name, response });
}

/** Asks the browser for a passkey's answer to `optionsJSON` (a second factor, or a passwordless sign-in). */
export async function answerWithPasskey(optionsJSON: RequestOptions): Promise<AuthenticationResponse> {
  try {
    const { clientExtensionResults, ...response } = await startAuthentication({ optionsJSON });
    return { ...response, clientExtensionResults: { credProps: clientExtensionResults.credProps } };
  } catch (error) {
    throw explain(error);
  }
}
