import fs from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));

describe("the installed packages", () => {
  it("all run on the oldest Node.js the project declares, so a fresh install warns of no engine", () => {
    const oldest = semver.minVersion(read("package.json").engines.node);
    if (!oldest) throw new Error("package.json declares no Node.js version");
    const lock = read("package-lock.json") as { packages: Record<string, { engines?: { node?: string } }> };
    const refusing = Object.entries(lock.packages)
      .filter(([, info]) => typeof info.engines?.node === "string")
      .filter(([, info]) => !semver.satisfies(oldest, info.engines?.node ?? "*"))
      .map(([name, info]) => `${name.replace(/^.*node_modules\//, "")} needs Node ${info.engines?.node}`);
    expect(refusing).toEqual([]);
  });
});
