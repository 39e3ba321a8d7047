import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache.js";

describe("BoundedCache", () => {
  it("computes a key's value once and answers it again from memory", () => {
    const cache = new BoundedCache<string>(10);
    let computed = 0;
    const upper = (text: string) =>
      cache.get(text, () => {
        computed++;
        return text.toUpperCase();
      });
    expect([upper("a"), upper("b"), upper("a")]).toEqual(["A", "B", "A"]);
    expect(computed).toBe(2);
  });

  it("remembers a falsy answer as an answer", () => {
    const cache = new BoundedCache<boolean>(10);
    let computed = 0;
    for (let i = 0; i < 3; i++)
      cache.get("no", () => {
        computed++;
        return false;
      });
    expect(computed).toBe(1);
  });

  it("forgets the oldest entries when full, and never holds more than its capacity", () => {
    const cache = new BoundedCache<number>(3);
    for (const key of ["a", "b", "c", "d"]) cache.get(key, () => key.charCodeAt(0));
    expect(cache.size).toBe(3);
    let recomputed = false;
    cache.get("a", () => {
      recomputed = true;
      return 0;
    });
    expect(recomputed).toBe(true);
    cache.get("d", () => {
      throw new Error("d is still remembered");
    });
  });

  it("computes a key longer than its limit every time and never keeps it", () => {
    const cache = new BoundedCache<number>(10, 3);
    let computed = 0;
    for (let i = 0; i < 2; i++)
      cache.get("long", () => {
        computed++;
        return 4;
      });
    expect(computed).toBe(2);
    expect(cache.size).toBe(0);
  });
});
