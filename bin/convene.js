#!/usr/bin/env -S node --max-semi-space-size=4
// The server runs with a young generation of 4 MB a half (`npm start`, the systemd unit and the compose
// file pass the same flag): V8's default of 16 MB grows to its full size while the server starts and stays
// committed, a quarter of an idle server's memory; the smaller one also keeps the scavenges short.
// Runs the compiled server (dist/server/main.js, written by `npm run build`) when it is built from the
// sources as they are now; otherwise the TypeScript itself through tsx, so `convene` works from a
// checkout with no build step and a change is never run stale. The compiled server starts faster and
// holds about 100 MB less: no compiler, no compile cache (see docs/ARCHITECTURE.md).
import fs from "node:fs";
import path from "node:path";

// React renders pages on the server (src/web/entry-server.tsx): its production build, several times faster
// than the development one, unless the environment asks otherwise.
process.env.NODE_ENV ??= "production";

const root = path.resolve(import.meta.dirname, "..");
const compiled = path.join(root, "dist/server/main.js");

/** Built, and no source file it was built from changed since (esbuild's metafile lists them). */
function compiledIsCurrent() {
  try {
    const builtAt = fs.statSync(compiled).mtimeMs;
    const { inputs } = JSON.parse(fs.readFileSync(path.join(root, "dist/server/meta.json"), "utf8"));
    return Object.keys(inputs).every((input) => fs.statSync(path.join(root, input)).mtimeMs <= builtAt);
  } catch {
    // Not built, or a source it lists is gone: run the sources.
    return false;
  }
}

// `node --import tsx bin/convene.js` (`npm run dev`) asks for the TypeScript sources.
const fromSource =
  process.execArgv.some((argument) => /(^|=)tsx(\/|$)/.test(argument)) || !compiledIsCurrent();
if (fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/server/main.ts");
} else {
  await import("../dist/server/main.js");
}
