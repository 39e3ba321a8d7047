import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** A person the provider knows, by their subject, with the claims it gives about them. */
export type ProviderPerson = {
  sub: string;
  email: string;
  name: string;
  email_verified?: boolean;
};

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next sign-in at the provider logs in, or `"deny"` to refuse consent. */
  nextSignIn: (person: ProviderPerson | "deny") => void;
  /**
   * Follows the provider's redirects from an authorization URL, as a browser would (its own cookies),
   * up to the redirect back to the app; answers that URL's path and query.
   */
  followToCallback: (authorizationUrl: string) => Promise<string>;
  close: () => Promise<void>;
};

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1 and a random port, with one confidential client
 * whose redirect URI is the app's callback. Its interactions need no form: the login prompt logs in the
 * person named with `nextSignIn` and the consent prompt grants what the client asked for (or, told to
 * deny, answers `access_denied`), so API tests and browser specs go through the real protocol.
 */
export async function startOidcProvider(options: { redirectUri: string }): Promise<TestOidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "convene";
  const clientSecret = randomBytes(24).toString("base64url");
  const people = new Map<string, ProviderPerson>();
  let next: ProviderPerson | "deny" | null = null;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const person = people.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: () => ({ email_verified: true, ...person }),
      };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    jwks: {
      keys: [generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" })],
    },
    // Short lives, stated so that the provider does not warn of its defaults.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
  });
  const handleProtocol = provider.callback();

  async function interact(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (next === "deny") {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The person declined." },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (details.prompt.name === "login") {
      if (!next) throw new Error("the test named nobody to sign in at the provider (nextSignIn)");
      people.set(next.sub, next);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: next.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const accountId = details.session?.accountId;
    if (!accountId) throw new Error("consent asked before login");
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const { missingOIDCScope, missingOIDCClaims } = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
    };
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith("/interaction/")) {
      handleProtocol(req, res);
      return;
    }
    interact(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function followToCallback(authorizationUrl: string): Promise<string> {
    const cookies = new Map<string, string>();
    let url = authorizationUrl;
    for (let hop = 0; hop < 10; hop++) {
      if (url.startsWith(options.redirectUri)) {
        const back = new URL(url);
        return `${back.pathname}${back.search}`;
      }
      const response = await fetch(url, {
        redirect: "manual",
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") },
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ""] = cookie.split(";");
        const at = pair.indexOf("=");
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = response.headers.get("location");
      if (!location)
        throw new Error(`the provider answered ${response.status} at ${url}: ${await response.text()}`);
      url = new URL(location, url).href;
    }
    throw new Error("the provider redirected too many times");
  }

  return {
    issuer,
    clientId,
    clientSecret,
    nextSignIn: (person) => {
      next = person;
    },
    followToCallback,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
