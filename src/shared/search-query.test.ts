import { describe, expect, it } from "vitest";
import { isEmptySearch, parseSearch, wantsKind } from "./search-query.js";

describe("the search syntax", () => {
  it("reads words as lower-case prefixes, quoted phrases in order, and -words as exclusions", () => {
    const { query, problems } = parseSearch('Deploy "Dose  Escalation" -draft');
    expect(problems).toEqual([]);
    expect(query.words).toEqual(["deploy"]);
    expect(query.phrases).toEqual([["dose", "escalation"]]);
    expect(query.excluded).toEqual(["draft"]);
  });

  it("reads the filters, without their # or @", () => {
    const { query } = parseSearch(
      "in:#General from:@Ned@Northwind.example type:tickets after:2026-11-01 before:2026-12-01",
    );
    expect(query).toMatchObject({
      in: "general",
      from: "ned@northwind.example",
      types: ["ticket"],
      after: "2026-11-01",
      before: "2026-12-01",
      words: [],
    });
  });

  it("treats a filter inside quotes as a phrase, and a one-word phrase as a word", () => {
    const { query } = parseSearch('"in:general" "dose"');
    expect(query.in).toBeUndefined();
    expect(query.phrases).toEqual([["in", "general"]]);
    expect(query.words).toEqual(["dose"]);
  });

  it("keeps only letters and digits of a word, so nothing typed becomes query syntax", () => {
    expect(parseSearch("a&b | c:* !d (e)").query.words).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("reports every mistake at once, naming the filter and what it wants", () => {
    const { problems } = parseSearch("type:widget before:yesterday after:2026-02-30 in:");
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining("type:widget is not a kind"),
      "before: needs a day like 2026-11-01.",
      "after: needs a day like 2026-11-01.",
      "in: needs a value, like in:#general.",
    ]);
  });

  it("refuses an after: day that is not before the before: day", () => {
    expect(parseSearch("after:2026-12-01 before:2026-11-01").problems).toHaveLength(1);
  });

  it("knows a query with only exclusions asks for nothing, and type: narrows the kinds", () => {
    expect(isEmptySearch(parseSearch("-draft").query)).toBe(true);
    expect(isEmptySearch(parseSearch("from:ned").query)).toBe(false);
    const { query } = parseSearch("x type:people,doc");
    expect(wantsKind(query, "person")).toBe(true);
    expect(wantsKind(query, "document")).toBe(true);
    expect(wantsKind(query, "message")).toBe(false);
    expect(wantsKind(parseSearch("x").query, "message")).toBe(true);
  });
});
