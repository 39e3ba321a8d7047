/**
 * Figures about the code's shape, to compare before and after a restructuring:
 * `node --import tsx scripts/structure-report.ts [root]` (root defaults to this checkout).
 * Prints the largest route files, the longest functions, imports that cross from one server module
 * into another module's files other than its index.ts, platform files that import a module, and
 * how far app.ts and main.ts reach into modules, and web files importing server code other than contracts.
 */
import fs from "node:fs";
import path from "node:path";
import { parseAst } from "rolldown/parseAst";

const root = path.resolve(process.argv[2] ?? ".");
const src = path.join(root, "src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const lineCount = (text: string) => text.split("\n").length;
const relative = (file: string) => path.relative(root, file);

type Node = { type: string; start: number; end: number; [key: string]: unknown };
const isFunction = (node: Node) =>
  node.type === "FunctionDeclaration" ||
  node.type === "FunctionExpression" ||
  node.type === "ArrowFunctionExpression";

/** Every function with its length in lines; an inner function is counted inside its outer one too. */
function functionsOf(file: string, text: string): { name: string; lines: number }[] {
  const found: { name: string; lines: number }[] = [];
  const lineAt = (offset: number) => lineCount(text.slice(0, offset));
  const visit = (node: unknown, name: string) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, name);
      return;
    }
    if (!node || typeof node !== "object") return;
    const current = node as Node;
    let childName = name;
    if (current.type === "VariableDeclarator" || current.type === "FunctionDeclaration") {
      const id = current.id as { name?: string } | null;
      if (id?.name) childName = id.name;
    }
    if (typeof current.type === "string" && isFunction(current)) {
      found.push({
        name: `${relative(file)}:${lineAt(current.start)} ${childName}`,
        lines: lineAt(current.end) - lineAt(current.start) + 1,
      });
    }
    for (const [key, value] of Object.entries(current)) {
      if (key !== "type" && key !== "start" && key !== "end") visit(value, childName);
    }
  };
  const lang = file.endsWith(".tsx") ? "tsx" : "ts";
  visit(parseAst(text, { lang }), "(anonymous)");
  return found;
}

/** `modules/sandbox/clinical/x.ts` -> `sandbox/clinical` when that folder has its own index.ts. */
function moduleOf(file: string): string | null {
  const modules = path.join(src, "server", "modules");
  if (!file.startsWith(modules + path.sep)) return null;
  const parts = path.relative(modules, file).split(path.sep);
  if (parts.length < 2) return null;
  const [top, sub] = parts;
  if (parts.length > 2 && sub && fs.existsSync(path.join(modules, top as string, sub, "index.ts")))
    return `${top}/${sub}`;
  return top as string;
}

const files = sourceFiles(src);
const routeFiles = files
  .filter((file) => /\/routes(\/|[-.])/.test(file))
  .map((file) => ({ file: relative(file), lines: lineCount(fs.readFileSync(file, "utf8")) }))
  .sort((a, b) => b.lines - a.lines);

const functions = files
  .flatMap((file) => functionsOf(file, fs.readFileSync(file, "utf8")))
  .sort((a, b) => b.lines - a.lines);

const crossings: string[] = [];
const platformIntoModules: string[] = [];
const compositionIntoInternals: string[] = [];
const webIntoServer: string[] = [];
const composition = new Set(["app.ts", "main.ts"].map((name) => path.join(src, "server", name)));
for (const file of files) {
  const from = moduleOf(file);
  const inPlatform = file.startsWith(path.join(src, "server", "platform") + path.sep);
  const text = fs.readFileSync(file, "utf8");
  for (const match of text.matchAll(/from "(\.[^"]+)"/g)) {
    const target = path.resolve(path.dirname(file), (match[1] as string).replace(/\.js$/, ".ts"));
    const line = `${relative(file)} -> ${relative(target)}`;
    const inWeb = file.startsWith(path.join(src, "web") + path.sep);
    if (
      inWeb &&
      target.startsWith(path.join(src, "server") + path.sep) &&
      !target.includes(`${path.sep}contracts${path.sep}`)
    )
      webIntoServer.push(line);
    const to = moduleOf(target);
    if (!to) continue;
    if (inPlatform) platformIntoModules.push(line);
    const internal = !["index.ts", "module.ts"].includes(path.basename(target));
    if (composition.has(file) && internal) compositionIntoInternals.push(line);
    if (!from || to === from || from.startsWith(`${to}/`) || to.startsWith(`${from}/`)) continue;
    if (path.basename(target) === "index.ts") continue;
    crossings.push(line);
  }
}

console.log("largest route files (lines):");
for (const { file, lines } of routeFiles.slice(0, 5)) console.log(`  ${String(lines).padStart(5)}  ${file}`);
console.log("longest functions (lines):");
for (const { name, lines } of functions.slice(0, 5)) console.log(`  ${String(lines).padStart(5)}  ${name}`);
console.log(`imports into another module past its index.ts: ${crossings.length}`);
for (const line of crossings) console.log(`  ${line}`);
console.log(`platform files importing a module: ${platformIntoModules.length}`);
for (const line of platformIntoModules) console.log(`  ${line}`);
console.log(`app.ts and main.ts importing module internals: ${compositionIntoInternals.length}`);
console.log(`web files importing server code other than contracts: ${webIntoServer.length}`);
