import { readFileSync } from "node:fs";
import { projectPath } from "./platform/project-files.js";

const packageJson = JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as {
  version: string;
};

export const version = packageJson.version;
