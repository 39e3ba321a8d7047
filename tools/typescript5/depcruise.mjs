#!/usr/bin/env node
// Runs dependency-cruiser's CLI with the TypeScript 5 compiler API it parses .ts files with: from the
// project root, "typescript" is TypeScript 7 (the native compiler), which dependency-cruiser cannot use.
// It imports "typescript" (redirected by the hook) and reads "typescript/package.json" with require.
import Module, { createRequire, register } from "node:module";

const typescript5Manifest = createRequire(import.meta.url).resolve("typescript/package.json");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === "typescript/package.json" && parent?.filename?.includes("/dependency-cruiser/"))
    return typescript5Manifest;
  return resolveFilename.call(this, request, parent, ...rest);
};
register("./typescript5-hook.mjs", import.meta.url);

const main = import.meta.resolve("dependency-cruiser");
await import(new URL("../../bin/dependency-cruise.mjs", main).href);
