import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectPath, projectRoot } from "./project-files.js";

/** The server's own source files, tests and test helpers left out. */
function serverSources(directory = projectPath("src", "server")): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === "testing" ? [] : serverSources(file);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [file] : [];
  });
}

describe("files the server reads at runtime", () => {
  it("are found from the project root, which holds the package.json", () => {
    expect(fs.existsSync(path.join(projectRoot, "package.json"))).toBe(true);
    expect(fs.existsSync(projectPath("migrations", "meta", "_journal.json"))).toBe(true);
  });

  it("are never found relative to the module reading them, which the compiled server moves into dist/", () => {
    const relative = serverSources()
      .filter((file) => !file.endsWith(path.join("platform", "project-files.ts")))
      .filter((file) => /import\.meta\.(dirname|filename|url)/.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(projectRoot, file));
    expect(relative).toEqual([]);
  });
});
