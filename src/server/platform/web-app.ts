import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** Vite names every file under assets/ after a hash of its content: a changed file gets a new name. */
const hashedAssets = "assets";
const immutable = "public, max-age=31536000, immutable";
// index.html names the current assets, so a browser must ask (a cheap 304 when unchanged) every time.
const revalidate = "no-cache";

/**
 * Serves the built web app from `webRoot`: each file brotli- or gzip-compressed as the browser accepts
 * (the .br and .gz written beside it at build time, `Vary: Accept-Encoding`), hashed assets cached for
 * a year, and index.html for every other GET page path so the browser's router takes over.
 */
export async function serveWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  const hasWeb = fs.existsSync(path.join(webRoot, "index.html"));
  const assetsDir = path.join(webRoot, hashedAssets) + path.sep;
  // Files are routed one by one at start; every other GET (/, /desk/...) falls through to the SPA below.
  if (hasWeb)
    await app.register(fastifyStatic, {
      root: webRoot,
      index: false,
      wildcard: false,
      preCompressed: true,
      setHeaders: (reply, file) => {
        reply.header("cache-control", file.startsWith(assetsDir) ? immutable : revalidate);
      },
    });
  app.setNotFoundHandler((request, reply) => {
    // A missing API route or build asset is a real 404; any other page path belongs to the SPA.
    if (
      request.url.startsWith("/api/") ||
      request.url.startsWith(`/${hashedAssets}/`) ||
      request.method !== "GET"
    ) {
      return reply.status(404).send({ error: { code: "not_found", message: "No such route." } });
    }
    if (!hasWeb)
      return reply.status(404).type("text/plain").send("The web app is not built: run `npm run build`.");
    return reply.type("text/html").sendFile("index.html");
  });
}
