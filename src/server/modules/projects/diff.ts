import type { DiffOp, DiffPart } from "./contracts/documents.js";

export type { DiffOp, DiffPart };

/** A run of whole lines with the same fate; `text` is those lines joined by "\n". */

/**
 * Past this many differing lines the exact search (quadratic in the edit count) is not worth its
 * memory: the differing middle is then shown as one deletion and one insertion, which is still a
 * correct diff, just not the shortest.
 */
const MAX_EXACT_EDITS = 2000;

const linesOf = (text: string): string[] => (text === "" ? [] : text.split(/\r?\n/));

/**
 * The line diff that turns `before` into `after` (Myers' O(ND) algorithm): the shortest list of
 * deleted and inserted lines, with the unchanged lines between them. Applying the parts in order
 * (keeping equal and insert, dropping delete) gives `after`; keeping equal and delete gives `before`.
 */
export function diffLines(before: string, after: string): DiffPart[] {
  const a = linesOf(before);
  const b = linesOf(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  const middle = shortestEdit(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix));
  const ops: [DiffOp, string][] = [
    ...a.slice(0, prefix).map((line): [DiffOp, string] => ["equal", line]),
    ...middle,
    ...a.slice(a.length - suffix).map((line): [DiffOp, string] => ["equal", line]),
  ];
  const parts: DiffPart[] = [];
  for (const [op, line] of ops) {
    const last = parts.at(-1);
    if (last?.op === op) last.text += `\n${line}`;
    else parts.push({ op, text: line });
  }
  return parts;
}

/** Myers' greedy forward search, keeping each round's furthest points to walk the path back. */
function shortestEdit(a: string[], b: string[]): [DiffOp, string][] {
  const n = a.length;
  const m = b.length;
  const wholesale = (): [DiffOp, string][] => [
    ...a.map((line): [DiffOp, string] => ["delete", line]),
    ...b.map((line): [DiffOp, string] => ["insert", line]),
  ];
  if (n === 0 || m === 0) return wholesale();
  const limit = Math.min(n + m, MAX_EXACT_EDITS);
  // Diagonal k (k = x - y) is kept at index k + shift; rounds reach k - 1 and k + 1 of -limit..limit.
  const shift = limit + 1;
  const furthest = new Int32Array(2 * limit + 3);
  const at = (round: Int32Array, k: number): number => round[k + shift] ?? 0;
  // Whether round d reached diagonal k by a step down (an insertion) rather than right (a deletion).
  const cameDown = (round: Int32Array, k: number, d: number): boolean =>
    k === -d || (k !== d && at(round, k - 1) < at(round, k + 1));
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    trace.push(furthest.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = cameDown(furthest, k, d) ? at(furthest, k + 1) : at(furthest, k - 1) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      furthest[k + shift] = x;
      if (x >= n && y >= m) return walkBack(a, b, trace, d, { at, cameDown });
    }
  }
  return wholesale();
}

/** Follows the recorded rounds from the end back to the start, emitting the lines in reverse. */
function walkBack(
  a: string[],
  b: string[],
  trace: Int32Array[],
  edits: number,
  round: {
    at: (round: Int32Array, k: number) => number;
    cameDown: (round: Int32Array, k: number, d: number) => boolean;
  },
): [DiffOp, string][] {
  const ops: [DiffOp, string][] = [];
  let x = a.length;
  let y = b.length;
  const keepEqualBackTo = (stopX: number, stopY: number) => {
    while (x > stopX && y > stopY) {
      x--;
      y--;
      ops.push(["equal", a[x] ?? ""]);
    }
  };
  for (let d = edits; d > 0; d--) {
    const previous = trace[d] ?? new Int32Array();
    const k = x - y;
    const down = round.cameDown(previous, k, d);
    const previousK = down ? k + 1 : k - 1;
    const previousX = round.at(previous, previousK);
    keepEqualBackTo(previousX, previousX - previousK);
    if (down) {
      y--;
      ops.push(["insert", b[y] ?? ""]);
    } else {
      x--;
      ops.push(["delete", a[x] ?? ""]);
    }
  }
  keepEqualBackTo(0, 0);
  return ops.reverse();
}
