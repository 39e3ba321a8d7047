import * as client from "openid-client";
import { isLoopbackUrl } from "./contracts/organisation-sign-in.js";

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
  const configuration = client.discovery(
    new URL(provider.issuer),
    provider.clientId,
    undefined,
    client.ClientSecretBasic(provider.clientSecret),
    discoveryOptions(provider.issuer),
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
function discoveryOptions(issuer: string): client.DiscoveryRequestOptions {
  return isLoopbackUrl(issuer) ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 };
}

/** Reads an issuer's discovery document with no client, for the staff's "test discovery" check. */
export async function readDiscovery(issuer: string) {
  const configuration = await client.discovery(
    new URL(issuer),
    "discovery-check",
    undefined,
    client.None(),
    discoveryOptions(issuer),
  );
  return configuration.serverMetadata();
}

/** Words for a failure to reach or use a provider, for staff (the check) and the server log. */
export function describeProviderFailure(error: unknown): string {
  if (error instanceof client.ResponseBodyError)
    return `The provider refused: ${error.error} ${error.error_description ?? ""}`.trim();
  if (error instanceof client.ClientError) return `${error.message}${error.code ? ` (${error.code})` : ""}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

export { client };
