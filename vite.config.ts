import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type NamespacedUnregister, register } from "tsx/esm/api";
import { defineConfig, type Plugin } from "vite";
import { precompressDirectory } from "./src/server/platform/precompress.js";
import { isRawAnswer } from "./src/shared/operation-path.js";
import { pwa } from "./src/web/pwa/plugin.js";

const webRoot = path.resolve(import.meta.dirname, "src/web");
const outDir = path.resolve(import.meta.dirname, "dist/web");

/** The server sends the .br or .gz written here (see src/server/platform/web-app.ts). */
const precompress: Plugin = {
  name: "convene:precompress",
  apply: "build",
  closeBundle: () => precompressDirectory(outDir),
};

/**
 * The script a server-rendered page starts the app with once painted (src/web/start-after-paint.js),
 * at the site's root beside the service worker: not a module of the app, so written as it is.
 */
const startAfterPaint: Plugin = {
  name: "convene:start-after-paint",
  apply: "build",
  async generateBundle() {
    this.emitFile({
      type: "asset",
      fileName: "start-after-paint.js",
      source: await fs.readFile(path.join(webRoot, "start-after-paint.js"), "utf8"),
    });
  },
};

/** A module's contract file, or the platform's: `.../contracts/<resource>.ts`. */
const contractFile = /[\\/]src[\\/](server[\\/]modules|shared)[\\/](.+[\\/])?contracts[\\/][^\\/]+\.ts$/;

const isPlainData = (value: unknown): boolean =>
  value === null ||
  ["string", "number", "boolean"].includes(typeof value) ||
  (Array.isArray(value) && value.every(isPlainData)) ||
  (typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.values(value).every(isPlainData));

const isOperation = (
  value: unknown,
): value is { operationId: string; method: string; path: string; response?: unknown } =>
  typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "operation";

let contractLoader: NamespacedUnregister | undefined;
/**
 * The web calls an operation by its method and path and takes the JSON answer as the contract types it
 * (the server validates both ways), so it needs none of the zod schemas: building them ran on every
 * page load, and zod was a third of the libraries' first download. Each contract file reaches the web
 * as its operations (id, method, path, and the answer when it is not JSON) and its plain data (value
 * lists, limits, the declarations of its live events and activity scopes, `src/shared/events.ts`); a
 * schema or a function is left out, so a web import of one fails the build rather than the page.
 */
const contractsWithoutSchemas: Plugin = {
  name: "convene:contracts-without-schemas",
  apply: "build",
  async buildEnd() {
    await contractLoader?.unregister();
    contractLoader = undefined;
  },
  async load(id) {
    if (!contractFile.test(id)) return null;
    // One loader for the whole build, so zod and the shared fields are evaluated once, not per contract.
    contractLoader ??= register({ namespace: "convene-web-build-contracts" });
    const contract = (await contractLoader.import(pathToFileURL(id).href, import.meta.url)) as Record<
      string,
      unknown
    >;
    return Object.entries(contract)
      .flatMap(([name, value]) => {
        if (isOperation(value)) {
          const { operationId, method, path, response } = value;
          const call = {
            kind: "operation",
            operationId,
            method,
            path,
            ...(isRawAnswer(response) && { response }),
          };
          return [`export const ${name} = ${JSON.stringify(call)};`];
        }
        return isPlainData(value) ? [`export const ${name} = ${JSON.stringify(value)};`] : [];
      })
      .join("\n");
  },
};

/** A Mantine component's class names: `@mantine/core/esm/.../<Component>.module.mjs`. */
const mantineClassNames = /[\\/]@mantine[\\/]core[\\/]esm[\\/].+[\\/]([A-Za-z]+)\.module\.mjs$/;

/**
 * Each Mantine component brings its own stylesheet (`@mantine/core/styles/<Component>.css`) into the
 * chunk that uses it, as a page's code does: the first download carries the CSS of the components the
 * shell and the first pages render rather than all of Mantine's (main.tsx imports only the base
 * styles). A component's module imports the ones it is built on first, so their CSS comes first too.
 */
const mantineStylesPerComponent: Plugin = {
  name: "convene:mantine-styles-per-component",
  transform(code, id) {
    const component = mantineClassNames.exec(id)?.[1];
    if (!component) return null;
    const stylesheet = `import "@mantine/core/styles/${component}.css";\n`;
    return code.replace(/^("use client";\n)?/, (directive) => directive + stylesheet);
  },
};

/**
 * The server's first render of a page (src/web/entry-server.tsx, `vite build --ssr`): the same app,
 * its libraries left to Node to import, written beside the web build.
 */
const serverRenderBuild = {
  root: webRoot,
  publicDir: false as const,
  oxc: { jsx: { runtime: "automatic" as const } },
  plugins: [contractsWithoutSchemas],
  build: {
    outDir: path.resolve(import.meta.dirname, "dist/server-render"),
    emptyOutDir: true,
    rolldownOptions: { checks: { moduleLevelDirective: false } },
  },
};

export default defineConfig(({ isSsrBuild }) =>
  isSsrBuild
    ? serverRenderBuild
    : {
        root: webRoot,
        publicDir: false,
        oxc: { jsx: { runtime: "automatic" } },
        plugins: [contractsWithoutSchemas, mantineStylesPerComponent, startAfterPaint, pwa(), precompress],
        build: {
          outDir,
          emptyOutDir: true,
          // Names each page's chunk and the styles and chunks it imports, so the server's first answer for
          // a page links them (src/server/platform/web-app.ts).
          manifest: true,
          // The first page's libraries, React and Mantine included, are one file of about 530 KB (135 KB as
          // brotli): see codeSplitting below.
          chunkSizeWarningLimit: 600,
          rolldownOptions: {
            // Mantine marks its modules "use client" for React Server Components; this bundle is client-only.
            checks: { moduleLevelDirective: false },
            // A page reading what contractsWithoutSchemas leaves out through `import * as` fails here, not in
            // the browser (a named import of it already fails as a missing export).
            onLog(level, log, handler) {
              if (log.code === "IMPORT_IS_UNDEFINED") throw new Error(log.message);
              handler(level, log);
            },
            output: {
              // Libraries change less often than the app: a separate file stays cached across releases. Only
              // what the first page needs ($initial) is grouped, so the parts of Mantine and the other
              // libraries that only some pages use arrive with those pages' chunks. The first page's
              // libraries are one file and its app code another (the entry): a phone's browser opens a few
              // connections at a time, and each further file of the first download waited for a free one.
              codeSplitting: {
                groups: [
                  { name: "vendor", test: /node_modules[\\/]/, tags: ["$initial"] },
                  { name: "app", test: /[\\/]src[\\/]/, tags: ["$initial"] },
                ],
              },
            },
          },
        },
        server: {
          // `vite` serves the UI with hot reload while the API runs on its usual port.
          proxy: { "/api": `http://localhost:${process.env.CONVENE_API_PORT ?? "3000"}` },
        },
      },
);
