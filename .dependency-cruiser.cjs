/**
 * The dependency rules `npm run lint:deps` enforces on src/ (dependency-cruiser; type-only imports count).
 *
 * A module is `src/server/modules/<name>/`, and each sandbox sub-module
 * `src/server/modules/sandbox/{access,clinical,data,operations,product}/` is a module of its own: the files at
 * the top of `sandbox/` form the module "sandbox", and `sandbox/shared/` is the kernel its sub-modules
 * build on. A module reaches another only through its `index.ts`. Tests and the files that compose modules (app, main, the module list, the demo seed,
 * the testing harness, the drizzle schema barrel) may reach inside; every file obeys the circle rule.
 */
const SUBMODULE = "sandbox/(?:access|clinical|data|operations|product)";
const MODULES = "^src/server/modules/";
const INDEX = `${MODULES}(?:${SUBMODULE}|[^/]+)/index\\.ts$`;
const CONTRACT = `${MODULES}(?:${SUBMODULE}|[^/]+)/contracts/`;
/** The sandbox's kernel: what several of its sub-modules use (the PHI guard, a volunteer's measures). */
const SANDBOX_SHARED = `${MODULES}sandbox/shared/`;
/**
 * The wipe's state in memory and its row, which the gate (access) asks before anything else. It and
 * what it imports reach no other sandbox sub-module, so reaching it directly closes no circle, where
 * operations' index.ts would: operations' services pass the gate themselves.
 */
const WIPE_STATE = `${MODULES}sandbox/operations/wipe-state\\.ts$`;
const COMPOSERS = [
  "\\.test\\.tsx?$",
  "^src/server/testing/",
  "^src/server/demo/",
  "^src/server/(?:app|main|modules)\\.ts$",
  "^src/server/db/schema\\.ts$",
];

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "module-through-index",
      comment:
        "A module reaches another module only through its index.ts, never its schema, services, routes " +
        "or contracts.",
      severity: "error",
      from: { path: `${MODULES}((?!sandbox/)[^/]+)/`, pathNot: [...COMPOSERS, CONTRACT] },
      to: { path: MODULES, pathNot: [`${MODULES}$1/`, INDEX] },
    },
    {
      name: "sandbox-submodule-through-index",
      comment:
        "A sandbox sub-module reaches its siblings and other modules through their index.ts; it may also " +
        "use the sandbox's kernel (shared/), and the wipe state the gate reads.",
      severity: "error",
      from: { path: `${MODULES}(${SUBMODULE})/`, pathNot: [...COMPOSERS, CONTRACT] },
      to: { path: MODULES, pathNot: [`${MODULES}$1/`, INDEX, SANDBOX_SHARED, WIPE_STATE] },
    },
    {
      name: "sandbox-through-index",
      comment:
        "The files at the top of sandbox/ reach its sub-modules (and other modules) only through their index.ts.",
      severity: "error",
      from: {
        path: `${MODULES}sandbox/`,
        pathNot: [`${MODULES}${SUBMODULE}/`, ...COMPOSERS, CONTRACT],
      },
      to: {
        path: MODULES,
        pathNot: [`${MODULES}sandbox/(?!(?:access|clinical|data|operations|product)/)`, INDEX],
      },
    },
    {
      name: "sandbox-shared-kernel",
      comment:
        "The sandbox's kernel (shared/) is what its sub-modules build on, so it imports none of them, " +
        "nor the sandbox's own top files, nor another module.",
      severity: "error",
      from: { path: SANDBOX_SHARED, pathNot: COMPOSERS },
      to: { path: MODULES, pathNot: SANDBOX_SHARED },
    },
    {
      name: "platform-not-modules",
      comment: "The platform serves every module and knows none of them.",
      severity: "error",
      from: { path: "^src/server/platform/", pathNot: COMPOSERS },
      to: { path: MODULES },
    },
    {
      name: "web-only-contracts",
      comment:
        "The web app bundles contract files and nothing else of the server; type-only imports count too.",
      severity: "error",
      from: { path: "^src/web/", pathNot: COMPOSERS },
      to: { path: "^src/server/", pathNot: CONTRACT },
    },
    {
      name: "contracts-only-zod-shared",
      comment: "Contract files (bundled by the web) import zod, src/shared and other contract files only.",
      severity: "error",
      from: { path: CONTRACT, pathNot: COMPOSERS },
      to: { pathNot: ["^src/shared/", CONTRACT, "(?:^|/)node_modules/zod/"] },
    },
    {
      name: "no-circular",
      comment: "No file reaches itself through its imports, type-only ones included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "(?:^|/)node_modules/" },
    // Type-only imports are dependencies too (the web must not import server types either).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // An ESM import names the emitted `.js`; dependency-cruiser then finds the `.ts` beside it, as tsc does.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
