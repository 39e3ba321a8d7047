import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AnswerRequest, renderFirstScreen } from "../../web/entry-server.js";
import { loadOnce } from "./load-once.js";

/** Vite names every file under assets/ after a hash of its content: a changed file gets a new name. */
const hashedAssets = "assets";
const immutable = "public, max-age=31536000, immutable";
// index.html names the current assets, so a browser must ask (a cheap 304 when unchanged) every time.
const revalidate = "no-cache";
// A first screen holds the person's own data: never kept by a shared cache, and asked for every time.
const personal = "private, no-cache";
const rootElement = '<div id="root"></div>';

type ManifestChunk = { file: string; imports?: string[]; css?: string[] };
type Manifest = Record<string, ManifestChunk>;

type PageAssets = { head: string; modules: string[] };

/**
 * What a page's chunk needs beyond what index.html already loads: its styles, inline in the head, so
 * the page is painted styled without waiting for a file per component (a stylesheet link blocks the
 * first paint until it has arrived), each with a disabled link naming the file, which the browser does
 * not fetch but which tells the app's chunk loader the styles are here; and its modules, which
 * start-after-paint.js asks for with the app's.
 */
function pageAssets(manifest: Manifest, webRoot: string): (pageSource: string) => PageAssets {
  const chunksOf = (key: string, seen: Set<string>) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) chunksOf(imported, seen);
  };
  const loadedByIndex = new Set<string>();
  chunksOf("index.html", loadedByIndex);
  const inlineStyle = (file: string) =>
    `<style>${fs.readFileSync(path.join(webRoot, file), "utf8").replaceAll("</", "<\\/")}</style>` +
    `<link rel="stylesheet" href="/${file}" disabled>`;
  const assetsByPage = new Map<string, PageAssets>();
  return (pageSource) => {
    const known = assetsByPage.get(pageSource);
    if (known) return known;
    const chunks = new Set<string>();
    chunksOf(pageSource, chunks);
    const needed = [...chunks].filter((key) => !loadedByIndex.has(key) && manifest[key]);
    const styles = [...new Set(needed.flatMap((key) => manifest[key]?.css ?? []))];
    const assets = {
      head: styles.map(inlineStyle).join(""),
      modules: needed.map((key) => `/${manifest[key]?.file}`),
    };
    assetsByPage.set(pageSource, assets);
    return assets;
  };
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * A rendered page compressed as the browser accepts: brotli at a quality that takes a millisecond or two
 * for a page (the precompressed assets use the slowest, once, at build time), else gzip.
 */
async function compressed(
  html: string,
  acceptEncoding: string,
): Promise<{ body: Buffer | string; encoding?: string }> {
  if (/\bbr\b/.test(acceptEncoding))
    return {
      body: await brotli(html, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
      encoding: "br",
    };
  if (/\bgzip\b/.test(acceptEncoding)) return { body: await gzip(html), encoding: "gzip" };
  return { body: html };
}

const appEntry = /<script type="module" crossorigin src="([^"]+)"><\/script>/;
const modulePreload = /<link rel="modulepreload" crossorigin href="([^"]+)">/g;

/**
 * index.html for a page the server rendered, as a function of the page's own modules: the app's entry
 * and the modules index.html preloads are asked for by start-after-paint.js once the browser has
 * painted the page, with the page's, rather than before its first paint.
 */
function startingAfterPaint(template: string): (pageModules: string[]) => string {
  const entry = appEntry.exec(template)?.[1];
  if (!entry) return () => template;
  const indexModules = [...template.matchAll(modulePreload)].map((match) => match[1] ?? "");
  const withoutPreloads = template.replace(modulePreload, "");
  return (pageModules) =>
    withoutPreloads.replace(
      appEntry,
      () =>
        `<script defer src="/start-after-paint.js" data-app="${entry}" ` +
        `data-modules="${[...indexModules, ...pageModules].join(" ")}"></script>`,
    );
}

/** The server's first render of pages, when the web app and its server render are built. */
async function loadFirstScreenRenderer(
  app: FastifyInstance,
  webRoot: string,
): Promise<{ render: typeof renderFirstScreen; assetsFor: (pageSource: string) => PageAssets } | null> {
  const entry = path.join(webRoot, "..", "server-render", "entry-server.js");
  const manifestFile = path.join(webRoot, ".vite", "manifest.json");
  if (!fs.existsSync(entry) || !fs.existsSync(manifestFile)) return null;
  try {
    const { renderFirstScreen: render } = (await import(pathToFileURL(entry).href)) as {
      renderFirstScreen: typeof renderFirstScreen;
    };
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
    return { render, assetsFor: pageAssets(manifest, webRoot) };
  } catch (error) {
    app.log.warn(
      { err: error },
      "The server render of pages could not be loaded; pages render in the browser.",
    );
    return null;
  }
}

/**
 * A page's requests, answered by the API itself as the person who opened the page (their cookie,
 * their address): exactly what the browser would be answered. Only reads: a first render changes
 * nothing.
 */
function answerAs(app: FastifyInstance, request: FastifyRequest): AnswerRequest {
  return async (url, init) => {
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET") throw new Error(`A first render only reads; it asked to ${method} ${url}.`);
    const answer = await app.inject({
      method: "GET",
      url,
      remoteAddress: request.ip,
      headers: {
        accept: "application/json",
        ...(request.headers.cookie && { cookie: request.headers.cookie }),
        ...(request.headers["user-agent"] && { "user-agent": request.headers["user-agent"] }),
      },
    });
    const hasBody = answer.statusCode !== 204 && answer.statusCode !== 304;
    return new Response(hasBody ? answer.body : null, {
      status: answer.statusCode,
      headers: { "content-type": String(answer.headers["content-type"] ?? "application/json") },
    });
  };
}

/**
 * Serves the built web app from `webRoot`: each file brotli- or gzip-compressed as the browser accepts
 * (the .br and .gz written beside it at build time, `Vary: Accept-Encoding`), hashed assets cached for
 * a year, and for every other GET page path the page itself, rendered on the server with its data
 * (src/web/entry-server.tsx), which the browser's router then takes over. Should that render fail,
 * the page is the empty app, which renders in the browser as before.
 */
export async function serveWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  const indexFile = path.join(webRoot, "index.html");
  const hasWeb = fs.existsSync(indexFile);
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
  const template = hasWeb ? fs.readFileSync(indexFile, "utf8") : "";
  const firstScreenTemplate = startingAfterPaint(template);
  // Loaded by the first page asked for: the server render holds React and the web app's components
  // (some 50 MB), which a server answering only the API, or not yet asked for a page, never needs.
  const loadFirstScreen =
    hasWeb && template.includes(rootElement) ? loadOnce(() => loadFirstScreenRenderer(app, webRoot)) : null;

  app.setNotFoundHandler(async (request, reply) => {
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
    const firstScreen = await loadFirstScreen?.();
    const rendered = await firstScreen
      ?.render(request.url, answerAs(app, request), {
        cookies: request.cookies ?? {},
        acceptLanguage: request.headers["accept-language"],
      })
      .catch((error: unknown) => {
        request.log.error({ err: error }, "The server render of a page failed; it renders in the browser.");
        return null;
      });
    if (!firstScreen || !rendered) return reply.type("text/html").sendFile("index.html");
    if ("redirect" in rendered) {
      // Only ever to a page of this site: a path, never another origin.
      const { redirect } = rendered;
      const to = redirect.startsWith("/") && !redirect.startsWith("//") ? redirect : "/";
      return reply.header("cache-control", personal).redirect(to, 302);
    }
    const assets = rendered.pages.map(firstScreen.assetsFor);
    // Replaced by functions: the rendered HTML is people's text, and a replacement string would read
    // `$&` in it as a pattern.
    const page = firstScreenTemplate(assets.flatMap((asset) => asset.modules))
      .replace("</head>", () => `${assets.map((asset) => asset.head).join("")}</head>`)
      .replace(rootElement, () => `<div id="root">${rendered.html}</div>${rendered.stateScript}`);
    const { body, encoding } = await compressed(page, String(request.headers["accept-encoding"] ?? ""));
    if (encoding) reply.header("content-encoding", encoding);
    return reply
      .type("text/html")
      .header("cache-control", personal)
      .header("vary", "Accept-Encoding, Cookie")
      .send(body);
  });
}
