import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../../web/pwa/plugin.js";
import { precompressDirectory } from "./precompress.js";
import { serveWebApp } from "./web-app.js";

// A build in miniature (what `npm run build` writes), so these tests need no real build.
const indexHtml =
  '<!doctype html><html><head><script type="module" src="/assets/app-Bx1Yz9.js"></script></head><body><div id="root"></div></body></html>';
const appJs = `export const pages = [${Array.from({ length: 200 }, (_, n) => `"page ${n}"`).join(", ")}];\n`;
const tinyJs = "export{};\n";

let webRoot: string;
let app: FastifyInstance;

beforeAll(async () => {
  webRoot = await fs.mkdtemp(path.join(os.tmpdir(), "convene-web-"));
  await fs.mkdir(path.join(webRoot, "assets"));
  await fs.writeFile(path.join(webRoot, "index.html"), indexHtml);
  await fs.writeFile(path.join(webRoot, "assets", "app-Bx1Yz9.js"), appJs);
  await fs.writeFile(path.join(webRoot, "assets", "tiny-Q2w3E4.js"), tinyJs);
  await fs.writeFile(path.join(webRoot, "manifest.webmanifest"), JSON.stringify(manifest, null, 2));
  await fs.copyFile(
    path.resolve(import.meta.dirname, "../../web/pwa/service-worker.js"),
    path.join(webRoot, "sw.js"),
  );
  await precompressDirectory(webRoot);
  app = Fastify();
  await serveWebApp(app, webRoot);
});

afterAll(async () => {
  await app.close();
  await fs.rm(webRoot, { recursive: true, force: true });
});

const get = (url: string, acceptEncoding?: string) =>
  app.inject({ method: "GET", url, headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} });

describe("the built web app, as the server sends it", () => {
  it("sends a hashed asset brotli-compressed to a browser that accepts brotli", async () => {
    const response = await get("/assets/app-Bx1Yz9.js", "gzip, deflate, br, zstd");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.headers["content-type"]).toMatch(/^text\/javascript|^application\/javascript/);
    expect(zlib.brotliDecompressSync(response.rawPayload).toString()).toBe(appJs);
  });

  it("sends it gzip-compressed to a browser that accepts only gzip", async () => {
    const response = await get("/assets/app-Bx1Yz9.js", "gzip");
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(response.rawPayload).toString()).toBe(appJs);
  });

  it("sends it as it is to a client that accepts no compression", async () => {
    const response = await get("/assets/app-Bx1Yz9.js");
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect(response.body).toBe(appJs);
  });

  it("says the answer varies with Accept-Encoding, compressed or not, so a shared cache keeps them apart", async () => {
    for (const acceptEncoding of ["br", "gzip", undefined]) {
      const response = await get("/assets/app-Bx1Yz9.js", acceptEncoding);
      expect(response.headers.vary).toMatch(/accept-encoding/i);
    }
  });

  it("sends a file too small to gain from compression as it is", async () => {
    const response = await get("/assets/tiny-Q2w3E4.js", "br, gzip");
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect(response.body).toBe(tinyJs);
  });

  it("lets browsers keep hashed assets for a year without asking again", async () => {
    for (const acceptEncoding of ["br", "gzip", undefined]) {
      const response = await get("/assets/app-Bx1Yz9.js", acceptEncoding);
      expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    }
  });

  it("makes browsers revalidate index.html, at its own path and as every page path of the app", async () => {
    for (const url of ["/", "/index.html", "/desk/tickets/0190c2a4", "/sandbox/volunteers"]) {
      const response = await get(url, "br, gzip");
      expect(response.statusCode, url).toBe(200);
      expect(response.headers["content-type"], url).toMatch(/^text\/html/);
      expect(response.headers["cache-control"], url).toBe("no-cache");
      expect(response.headers["content-encoding"], url).toBe("br");
      expect(zlib.brotliDecompressSync(response.rawPayload).toString(), url).toBe(indexHtml);
    }
  });

  it("answers a missing asset and an unknown API route with 404, not the app's page", async () => {
    for (const url of ["/assets/gone-A1b2C3.js", "/api/nothing-here"]) {
      const response = await get(url, "br, gzip");
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toEqual({ error: { code: "not_found", message: "No such route." } });
    }
  });

  it("sends the manifest and the service worker from the root as what they are, revalidated on every visit", async () => {
    const worker = await get("/sw.js", "br");
    expect(worker.statusCode).toBe(200);
    expect(worker.headers["content-type"]).toMatch(/^(text|application)\/javascript/);
    // A new deploy's worker must reach browsers at once, never after a year in their cache.
    expect(worker.headers["cache-control"]).toBe("no-cache");

    const webManifest = await get("/manifest.webmanifest", "br");
    expect(webManifest.statusCode).toBe(200);
    expect(webManifest.headers["content-type"]).toMatch(/^application\/manifest\+json/);
    expect(webManifest.headers["cache-control"]).toBe("no-cache");
    expect(webManifest.headers["content-encoding"]).toBe("br");
    expect(JSON.parse(zlib.brotliDecompressSync(webManifest.rawPayload).toString())).toMatchObject({
      name: "Convene",
      start_url: "/",
      display: "standalone",
    });
  });
});

// A build with a server render in miniature: the renderer answers by the address it is given, so these
// tests hold what the server does with a render (the real one runs in the browser specs).
const renderedIndexHtml =
  '<!doctype html><html><head><script type="module" crossorigin src="/assets/index-A1.js"></script>' +
  '<link rel="modulepreload" crossorigin href="/assets/vendor-B2.js"></head><body><div id="root"></div></body></html>';
const pageCss = ".ticket{color:#123}";
const fakeRenderer = `
export async function renderFirstScreen(url, answerRequest) {
  if (url === "/broken") throw new Error("The page could not be rendered.");
  if (url === "/elsewhere") return { redirect: "//evil.example/" };
  if (url === "/private") return { redirect: "/sign-in?next=%2Fprivate" };
  const session = await (await answerRequest("/api/whoami", { method: "GET" })).text();
  return {
    html: "<main>" + session + "</main>",
    stateScript: '<script type="application/json" id="convene-first-screen">{}</script>',
    pages: ["features/desk/TicketPage.tsx"],
  };
}
`;
const viteManifest = {
  "index.html": { file: "assets/index-A1.js", imports: ["_vendor-B2.js"] },
  "_vendor-B2.js": { file: "assets/vendor-B2.js" },
  "features/desk/TicketPage.tsx": {
    file: "assets/TicketPage-C3.js",
    imports: ["_vendor-B2.js", "_Modal-D4.js"],
    css: ["assets/TicketPage-C3.css"],
  },
  "_Modal-D4.js": { file: "assets/Modal-D4.js" },
};

describe("a page rendered by the server", () => {
  let buildRoot: string;
  let rendering: FastifyInstance;

  beforeAll(async () => {
    buildRoot = await fs.mkdtemp(path.join(os.tmpdir(), "convene-render-"));
    const root = path.join(buildRoot, "web");
    await fs.mkdir(path.join(root, "assets"), { recursive: true });
    await fs.mkdir(path.join(root, ".vite"));
    await fs.mkdir(path.join(buildRoot, "server-render"));
    await fs.writeFile(path.join(root, "index.html"), renderedIndexHtml);
    await fs.writeFile(path.join(root, "assets", "TicketPage-C3.css"), pageCss);
    await fs.writeFile(path.join(root, ".vite", "manifest.json"), JSON.stringify(viteManifest));
    await fs.writeFile(path.join(buildRoot, "server-render", "entry-server.js"), fakeRenderer);
    rendering = Fastify();
    rendering.get("/api/whoami", async (request) => `cookie=${request.headers.cookie ?? "none"}`);
    await serveWebApp(rendering, root);
  });

  afterAll(async () => {
    await rendering.close();
    await fs.rm(buildRoot, { recursive: true, force: true });
  });

  const page = (url: string, headers: Record<string, string> = {}) =>
    rendering.inject({ method: "GET", url, headers });

  it("answers with the page's HTML, rendered from the API as the visitor, never kept by a shared cache", async () => {
    const response = await page("/desk/tickets/1", { cookie: "convene_session=abc" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.headers["cache-control"]).toBe("private, no-cache");
    expect(response.body).toContain('<div id="root"><main>cookie=convene_session=abc</main></div>');
    expect(response.body).toContain('<script type="application/json" id="convene-first-screen">{}</script>');
  });

  it("inlines the page's own styles, leaving out what index.html loads already", async () => {
    const { body } = await page("/desk/tickets/1");
    expect(body).toContain(
      `<style>${pageCss}</style><link rel="stylesheet" href="/assets/TicketPage-C3.css" disabled>`,
    );
  });

  it("starts the app once the page is painted, asking for the app's and the page's modules only then", async () => {
    const { body } = await page("/desk/tickets/1");
    expect(body).toContain(
      '<script defer src="/start-after-paint.js" data-app="/assets/index-A1.js" ' +
        'data-modules="/assets/vendor-B2.js /assets/TicketPage-C3.js /assets/Modal-D4.js"></script>',
    );
    expect(body).not.toContain('<script type="module"');
    expect(body).not.toContain("modulepreload");
  });

  it("puts people's text in the page as it is, `$&` and all", async () => {
    const { body } = await page("/desk/tickets/1", { cookie: "note=$&$'$`" });
    expect(body).toContain("<main>cookie=note=$&$'$`</main>");
  });

  it("compresses the page as the browser accepts", async () => {
    const response = await page("/desk/tickets/1", { "accept-encoding": "gzip, br" });
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(response.rawPayload).toString()).toContain("<main>");
  });

  it("answers a page that sends its visitor on with a redirect, only ever to a path of this site", async () => {
    const signIn = await page("/private");
    expect(signIn.statusCode).toBe(302);
    expect(signIn.headers.location).toBe("/sign-in?next=%2Fprivate");
    const elsewhere = await page("/elsewhere");
    expect(elsewhere.statusCode).toBe(302);
    expect(elsewhere.headers.location).toBe("/");
  });

  it("sends index.html as it is when the render fails, so the page renders in the browser", async () => {
    const response = await page("/broken");
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(renderedIndexHtml);
    expect(response.headers["cache-control"]).toBe("no-cache");
  });
});
