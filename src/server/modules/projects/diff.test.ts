import { describe, expect, it } from "vitest";
import { type DiffPart, diffLines } from "./diff.js";

const side = (parts: DiffPart[], drop: "insert" | "delete"): string =>
  parts
    .filter((part) => part.op !== drop)
    .map((part) => part.text)
    .join("\n");

/** The longest common subsequence's length by the textbook table, as the reference for minimality. */
function commonLines(a: string[], b: string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const line of a) {
    const row = [0];
    b.forEach((other, j) => {
      row.push(line === other ? (previous[j] ?? 0) + 1 : Math.max(previous[j + 1] ?? 0, row[j] ?? 0));
    });
    previous = row;
  }
  return previous[b.length] ?? 0;
}

const changedLines = (parts: DiffPart[]): number =>
  parts.filter((part) => part.op !== "equal").reduce((sum, part) => sum + part.text.split("\n").length, 0);

describe("diffLines", () => {
  it("answers one equal part for identical texts", () => {
    expect(diffLines("a\nb\nc", "a\nb\nc")).toEqual([{ op: "equal", text: "a\nb\nc" }]);
  });

  it("answers nothing for two empty texts, and a whole insertion or deletion against an empty one", () => {
    expect(diffLines("", "")).toEqual([]);
    expect(diffLines("", "a\nb")).toEqual([{ op: "insert", text: "a\nb" }]);
    expect(diffLines("a\nb", "")).toEqual([{ op: "delete", text: "a\nb" }]);
  });

  it("shows a changed line in the middle as a deletion and an insertion between unchanged runs", () => {
    expect(diffLines("title\nold line\nend", "title\nnew line\nend")).toEqual([
      { op: "equal", text: "title" },
      { op: "delete", text: "old line" },
      { op: "insert", text: "new line" },
      { op: "equal", text: "end" },
    ]);
  });

  it("finds the shortest edit when lines move (Myers' ABCABBA -> CBABAC has 5 edits)", () => {
    const before = "A\nB\nC\nA\nB\nB\nA";
    const after = "C\nB\nA\nB\nA\nC";
    const parts = diffLines(before, after);
    expect(changedLines(parts)).toBe(5);
    expect(side(parts, "delete")).toBe(after);
    expect(side(parts, "insert")).toBe(before);
  });

  it("treats Windows line endings like Unix ones", () => {
    expect(diffLines("a\r\nb", "a\nb")).toEqual([{ op: "equal", text: "a\nb" }]);
  });

  it("keeps blank lines as lines of their own", () => {
    const parts = diffLines("a\n\nb", "a\n\n\nb");
    expect(parts).toEqual([
      { op: "equal", text: "a\n" },
      { op: "insert", text: "" },
      { op: "equal", text: "b" },
    ]);
    expect(side(parts, "delete")).toBe("a\n\n\nb");
  });

  it("rebuilds both sides of random edits with the fewest changed lines", () => {
    let state = 7;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    for (let round = 0; round < 200; round++) {
      const before = Array.from({ length: random(30) }, () => `line ${random(8)}`);
      const after = before.flatMap((line) => {
        const roll = random(6);
        if (roll === 0) return [];
        if (roll === 1) return [line, `added ${random(8)}`];
        if (roll === 2) return [`changed ${random(8)}`];
        return [line];
      });
      const parts = diffLines(before.join("\n"), after.join("\n"));
      expect(side(parts, "delete")).toBe(after.join("\n"));
      expect(side(parts, "insert")).toBe(before.join("\n"));
      expect(changedLines(parts)).toBe(before.length + after.length - 2 * commonLines(before, after));
    }
  });

  it("still answers a correct diff when the texts differ in more lines than the exact search allows", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join("\n");
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join("\n");
    const parts = diffLines(`same\n${before}\nsame`, `same\n${after}\nsame`);
    expect(parts.map((part) => part.op)).toEqual(["equal", "delete", "insert", "equal"]);
    expect(side(parts, "delete")).toBe(`same\n${after}\nsame`);
  });
});
