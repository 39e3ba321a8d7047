import fs from "node:fs";
import path from "node:path";

/**
 * The checkout's (or installed package's) root: the nearest folder holding a package.json, looked for
 * from this file, which runs from src/server/platform as TypeScript and from dist/server once compiled
 * into one file (`npm run build`). Files read at runtime (migrations, the web build, package.json) are
 * found from here rather than by a path relative to the module reading them, which differs between the two.
 */
function findProjectRoot(from: string): string {
  for (let directory = from; ; directory = path.dirname(directory)) {
    if (fs.existsSync(path.join(directory, "package.json"))) return directory;
    if (path.dirname(directory) === directory) throw new Error(`No package.json above ${from}`);
  }
}

export const projectRoot = findProjectRoot(import.meta.dirname);

/** A file or folder of the project, e.g. `projectPath("migrations")`. */
export const projectPath = (...segments: string[]) => path.join(projectRoot, ...segments);
