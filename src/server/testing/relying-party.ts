import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";

/** What the product knows of a person signed in through Convene. */
export type ProductSession = {
  sid: string | undefined;
  sub: string;
  email: string;
  name: string;
  organisation: { id: string; name: string };
  role: string;
  refreshToken: string | undefined;
  accessToken: string;
};

export type RelyingParty = {
  url: string;
  redirectUri: string;
  backchannelLogoutUri: string;
  clientId: string;
  clientSecret: string;
  /** Sessions by their cookie value. */
  sessions: Map<string, ProductSession>;
  /** The logout tokens' subjects, in the order back-channel logouts arrived. */
  loggedOut: string[];
  /** Convene's issuer, once known (set after Convene started, since its address names the issuer). */
  setIssuer: (issuer: string) => void;
  close: () => Promise<void>;
};

type Discovery = {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
};

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Clinical product</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function cookiesOf(request: IncomingMessage): Map<string, string> {
  return new Map(
    (request.headers.cookie ?? "")
      .split(";")
      .map((part) => part.trim().split("="))
      .filter((pair): pair is [string, string] => pair.length === 2)
      .map(([name, value]) => [name, decodeURIComponent(value)]),
  );
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of request) body += chunk;
  return new URLSearchParams(body);
}

/**
 * A small relying party standing in for the vendor's clinical product, written against the protocol
 * itself (fetch and jose, no OpenID library): authorization code with PKCE, state and nonce, the ID
 * token verified against Convene's JWKS, refresh, and back-channel logout. Its pages say who is signed
 * in with which organisation and sandbox role, so browser specs read what the product would map.
 */
export async function startRelyingParty(): Promise<RelyingParty> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "clinical-product";
  const clientSecret = randomBytes(32).toString("base64url");
  const redirectUri = `${url}/callback`;
  const sessions = new Map<string, ProductSession>();
  const loggedOut: string[] = [];
  const pending = new Map<string, { verifier: string; nonce: string }>();
  let issuer = "";
  let discovery: Discovery | null = null;

  const discover = async (): Promise<Discovery> => {
    discovery ??= (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Discovery;
    return discovery;
  };
  const keys = async () => createRemoteJWKSet(new URL((await discover()).jwks_uri));
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`;

  async function tokenRequest(params: Record<string, string>) {
    const response = await fetch((await discover()).token_endpoint, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    });
    return {
      ok: response.ok,
      body: (await response.json()) as Record<string, string>,
    };
  }

  async function sessionFrom(tokens: Record<string, string>, nonce: string | null): Promise<ProductSession> {
    const { payload } = await jwtVerify(tokens.id_token ?? "", await keys(), {
      issuer,
      audience: clientId,
    });
    if (nonce !== null && payload.nonce !== nonce) throw new Error("the ID token's nonce is not ours");
    return {
      sid: payload.sid as string | undefined,
      sub: String(payload.sub),
      email: String(payload.email),
      name: String(payload.name),
      organisation: payload.organisation as { id: string; name: string },
      role: String(payload.sandbox_role),
      refreshToken: tokens.refresh_token,
      accessToken: tokens.access_token ?? "",
    };
  }

  const send = (
    response: ServerResponse,
    status: number,
    html: string,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers });
    response.end(html);
  };
  const redirect = (response: ServerResponse, location: string, headers: Record<string, string> = {}) => {
    response.writeHead(303, { location, ...headers });
    response.end();
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const at = new URL(request.url ?? "/", url);
    const cookie = cookiesOf(request).get("product_session");
    const session = cookie ? sessions.get(cookie) : undefined;
    if (at.pathname === "/" && request.method === "GET") {
      if (!session)
        return send(
          response,
          200,
          page(
            "Clinical product",
            `<p>You are not signed in.</p><p><a href="/login">Sign in with Convene</a></p>`,
          ),
        );
      return send(
        response,
        200,
        page(
          "Clinical product",
          `<p>Signed in as <strong>${escapeHtml(session.name)}</strong> (${escapeHtml(session.email)}) of <strong>${escapeHtml(session.organisation.name)}</strong>, role <strong data-role>${escapeHtml(session.role)}</strong>.</p><form method="post" action="/refresh"><button type="submit">Renew session</button></form>`,
        ),
      );
    }
    if (at.pathname === "/login") {
      const { authorization_endpoint } = await discover();
      const state = randomBytes(16).toString("base64url");
      const verifier = randomBytes(32).toString("base64url");
      const nonce = randomBytes(16).toString("base64url");
      pending.set(state, { verifier, nonce });
      const authorize = new URL(authorization_endpoint);
      authorize.search = new URLSearchParams({
        client_id: clientId,
        response_type: "code",
        redirect_uri: redirectUri,
        scope: "openid email profile sandbox offline_access",
        state,
        nonce,
        code_challenge: createHash("sha256").update(verifier).digest("base64url"),
        code_challenge_method: "S256",
      }).toString();
      return redirect(response, authorize.href);
    }
    if (at.pathname === "/callback") {
      const state = at.searchParams.get("state") ?? "";
      const started = pending.get(state);
      pending.delete(state);
      if (!started) return send(response, 400, page("Sign-in failed", "<p>Unknown or reused state.</p>"));
      const error = at.searchParams.get("error");
      if (error)
        return send(
          response,
          403,
          page(
            "Convene refused the sign-in",
            `<p data-error="${escapeHtml(error)}">${escapeHtml(at.searchParams.get("error_description") ?? error)}</p><p><a href="/login">Sign in with Convene</a></p>`,
          ),
        );
      const tokens = await tokenRequest({
        grant_type: "authorization_code",
        code: at.searchParams.get("code") ?? "",
        redirect_uri: redirectUri,
        code_verifier: started.verifier,
      });
      if (!tokens.ok)
        return send(
          response,
          403,
          page("Sign-in failed", `<p>${escapeHtml(tokens.body.error_description ?? "")}</p>`),
        );
      const signedIn = await sessionFrom(tokens.body, started.nonce);
      const id = randomBytes(16).toString("base64url");
      sessions.set(id, signedIn);
      return redirect(response, "/", {
        "set-cookie": `product_session=${id}; Path=/; HttpOnly; SameSite=Lax`,
      });
    }
    if (at.pathname === "/refresh" && request.method === "POST") {
      if (!session || !cookie) return redirect(response, "/");
      const tokens = await tokenRequest({
        grant_type: "refresh_token",
        refresh_token: session.refreshToken ?? "",
      });
      if (!tokens.ok) {
        sessions.delete(cookie);
        return send(
          response,
          401,
          page(
            "Convene refused to renew your session",
            `<p data-error="${escapeHtml(tokens.body.error ?? "")}">${escapeHtml(tokens.body.error_description ?? tokens.body.error ?? "")}</p><p><a href="/login">Sign in with Convene</a></p>`,
          ),
        );
      }
      sessions.set(cookie, { ...(await sessionFrom(tokens.body, null)), sid: session.sid });
      return redirect(response, "/");
    }
    if (at.pathname === "/backchannel-logout" && request.method === "POST") {
      const form = await formOf(request);
      const { payload } = await jwtVerify(form.get("logout_token") ?? "", await keys(), {
        issuer,
        audience: clientId,
      });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events?.["http://schemas.openid.net/event/backchannel-logout"]) {
        response.writeHead(400);
        return response.end();
      }
      for (const [id, held] of sessions)
        if (held.sub === payload.sub && (!payload.sid || held.sid === payload.sid)) sessions.delete(id);
      loggedOut.push(String(payload.sub));
      response.writeHead(200);
      return response.end();
    }
    send(response, 404, page("Not found", ""));
  }

  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, page("Error", `<pre>${escapeHtml(String(error))}</pre>`));
    });
  });

  return {
    url,
    redirectUri,
    backchannelLogoutUri: `${url}/backchannel-logout`,
    clientId,
    clientSecret,
    sessions,
    loggedOut,
    setIssuer: (value) => {
      issuer = value;
      discovery = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
