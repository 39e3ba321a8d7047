// Module resolution hook: dependency-cruiser's `import("typescript")` gets this package's TypeScript 5.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const typescript5 = pathToFileURL(createRequire(import.meta.url).resolve("typescript")).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "typescript" && context.parentURL?.includes("/dependency-cruiser/"))
    return { url: typescript5, shortCircuit: true };
  return nextResolve(specifier, context);
}
