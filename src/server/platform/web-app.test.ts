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
