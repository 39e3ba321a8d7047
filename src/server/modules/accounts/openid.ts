import type * as client from "openid-client";
import { loadOnce } from "../../platform/load-once.js";
import { isLoopbackUrl } from "./contracts/organisation-sign-in.js";

/** The OpenID Connect client, loaded by the first organisation sign-in or discovery check. */
export const loadOpenIdClient = loadOnce(() => import("openid-client"));

/** What the app asks of a provider: its address and this installation's client there. */
export type ProviderClient = { issuer: string; clientId: string; clientSecret: string };

// Discovery documents change rarely; re-reading one per sign-in would double the provider round trips.
const DISCOVERY_TTL_MS = 10 * 60_000;
const discovered = new Map<string, { at: number; configuration: Promise<client.Configuration> }>();

/**
 * The openid-client configuration of a provider, from its discovery document. The client authenticates
 * with HTTP Basic, OpenID Connect's default (`client_secret_basic`), which every provider supports.
 */
export function providerConfiguration(provider: ProviderClient): Promise<client.Configuration> {
  const key = JSON.stringify([provider.issuer, provider.clientId, provider.clientSecret]);
  const cached = discovered.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
  const configuration = loadOpenIdClient().then((client) =>
    client.discovery(
      new URL(provider.issuer),
      provider.clientId,
      undefined,
      client.ClientSecretBasic(provider.clientSecret),
      discoveryOptions(client, provider.issuer),
    ),
  );
  discovered.set(key, { at: Date.now(), configuration });
  configuration.catch(() => discovered.delete(key));
  return configuration;
}

/**
 * openid-client refuses plain http. A provider on this machine (the real one the tests start, on
 * 127.0.0.1) is the one case where that is safe, since nothing travels over a network; the admin form
 * accepts http:// for loopback addresses only, and any other issuer must be https.
 */
function discoveryOptions(
  client: typeof import("openid-client"),
  issuer: string,
): client.DiscoveryRequestOptions {
  return isLoopbackUrl(issuer) ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 };
}

/** Reads an issuer's discovery document with no client, for the staff's "test discovery" check. */
export async function readDiscovery(issuer: string) {
  const client = await loadOpenIdClient();
  const configuration = await client.discovery(
    new URL(issuer),
    "discovery-check",
    undefined,
    client.None(),
    discoveryOptions(client, issuer),
  );
  return configuration.serverMetadata();
}

/** Words for a failure to reach or use a provider, for staff (the check) and the server log. */
export async function describeProviderFailure(error: unknown): Promise<string> {
  const client = await loadOpenIdClient();
  if (error instanceof client.ResponseBodyError)
    return `The provider refused: ${error.error} ${error.error_description ?? ""}`.trim();
  if (error instanceof client.ClientError) return `${error.message}${error.code ? ` (${error.code})` : ""}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
