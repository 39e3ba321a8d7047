/**
 * Live events are a contract: each kind is declared once, with `defineEvent` in a module's contracts
 * (or the platform's, src/shared/contracts/), and both sides name it by that declaration. The types
 * already refuse a topic string where a declaration is expected; this keeps anyone from getting round
 * them (an object built by hand, a topic compared as a string, a declaration outside the contracts).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isEventDefinition } from "../shared/events.js";
import { contractDirectories } from "./testing/authorization.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
/** The one file that builds definitions (defineEvent) and reads them (isEventDefinition). */
const eventsHelper = path.join(repoRoot, "src/shared/events.ts");
const isContractFile = (file: string) =>
  /[\\/]contracts[\\/][^\\/]+\.ts$/.test(file) && !file.endsWith(".test.ts");

/** Every TypeScript file of the app, its tests and its benchmarks. */
function sourceFiles(): string[] {
  return ["src", "tests", "bench"].flatMap((folder) =>
    (fs.readdirSync(path.join(repoRoot, folder), { recursive: true }) as string[])
      .filter((file) => /\.tsx?$/.test(file))
      .map((file) => path.join(repoRoot, folder, file)),
  );
}

/** Lines of the source files that match, as `file:line: text`. */
function linesMatching(pattern: RegExp, files: string[]): string[] {
  return files.flatMap((file) =>
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, index) =>
        pattern.test(line) ? [`${path.relative(repoRoot, file)}:${index + 1}: ${line.trim()}`] : [],
      ),
  );
}

/** Every event declared by a contract file, with where. */
async function declaredEvents(): Promise<{ topic: string; declaredAs: string }[]> {
  const declared: { topic: string; declaredAs: string }[] = [];
  for (const directory of contractDirectories()) {
    for (const file of fs.readdirSync(directory).sort()) {
      if (!isContractFile(path.join(directory, file))) continue;
      const exported: Record<string, unknown> = await import(path.join(directory, file));
      for (const [name, value] of Object.entries(exported)) {
        if (isEventDefinition(value))
          declared.push({
            topic: value.topic,
            declaredAs: `${path.relative(repoRoot, directory)}/${file} ${name}`,
          });
      }
    }
  }
  return declared;
}

describe("live events", () => {
  it("are declared once each, in contract files, every topic by one declaration only", async () => {
    const declared = await declaredEvents();
    expect(declared.length).toBeGreaterThan(15);
    const byTopic = new Map<string, string[]>();
    for (const { topic, declaredAs } of declared)
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), declaredAs]);
    expect([...byTopic.values()].filter((declarations) => declarations.length > 1)).toEqual([]);
  });

  it("are defined with defineEvent and defineActivityScope in contract files only", () => {
    const outside = sourceFiles().filter((file) => !isContractFile(file) && file !== eventsHelper);
    expect(linesMatching(/\bdefine(Event|ActivityScope)\b\s*[<(]/, outside)).toEqual([]);
    // A definition written out by hand would get round the declaration.
    expect(linesMatching(/kind:\s*["'`](event|activity)["'`]/, outside)).toEqual([]);
  });

  it("are published and listened to by their declaration, never by a topic written as a string", () => {
    // This file names the patterns it looks for.
    const files = sourceFiles().filter((file) => file !== eventsHelper && file !== import.meta.filename);
    // publishEvent(ctx, <event>, …), useRealtimeEvent(<event>, …), whenEvent(<event>, …), isEvent(e, <event>).
    const literalEvent =
      /(publishEvent\(\s*[\w.]+\s*,|useRealtimeEvent\(|whenEvent\(|isEvent\(\s*[\w.]+\s*,|\.events\()\s*["'`{]/;
    expect(linesMatching(literalEvent, files)).toEqual([]);
    // A topic compared with, or set to, a string.
    const topicString =
      /\btopic\s*(===|!==|==|!=)\s*["'`]|["'`]\s*(===|!==)\s*[\w.]*\btopic\b|\btopic:\s*["'`][\w-]+\.[\w.-]+["'`]/;
    expect(linesMatching(topicString, files)).toEqual([]);
  });
});
