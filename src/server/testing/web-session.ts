/** A page as a browser ends on it after following redirects. */
export type Visit = { url: string; status: number; body: string };

/**
 * A browser's cookies and redirects, without the browser: each origin keeps its own cookies, and
 * `visit` follows redirects across origins (Convene, a relying party, a provider) the way a person's
 * browser would, so API tests can walk a whole sign-in.
 */
export class WebSession {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let jar = this.jars.get(origin);
    if (!jar) {
      jar = new Map();
      this.jars.set(origin, jar);
    }
    return jar;
  }

  cookie(url: string): string {
    return [...this.jar(url)].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private keep(url: string, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.jar(url).delete(name);
      else this.jar(url).set(name, value);
    }
  }

  /** One request with this session's cookies for its origin; no redirect followed. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.cookie(url);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.keep(url, response);
    return response;
  }

  /** Opens a page (GET, or the first request as given) and follows its redirects to where it ends. */
  async visit(url: string, init: RequestInit = {}): Promise<Visit> {
    let at = url;
    let response = await this.request(at, init);
    for (let hop = 0; hop < 20; hop++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location)
        return { url: at, status: response.status, body: await response.text() };
      await response.body?.cancel();
      at = new URL(location, at).href;
      response = await this.request(at);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
