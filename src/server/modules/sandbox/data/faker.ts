import { createRequire } from "node:module";
import { projectPath } from "../../../platform/project-files.js";

type FakerLibrary = typeof import("@faker-js/faker");

const requireFromProject = createRequire(projectPath("package.json"));
let library: FakerLibrary | undefined;

/**
 * Faker, with every locale it ships (some 35 MB once loaded), loaded by the first generation or
 * pseudonym rather than when the server starts: only the demo seed, the sandbox baseline and volunteer
 * imports use it. Required rather than imported (Node >= 20.19 requires an ES module), so the
 * generators built on it stay synchronous.
 */
export function fakerLibrary(): FakerLibrary {
  library ??= requireFromProject("@faker-js/faker") as FakerLibrary;
  return library;
}
