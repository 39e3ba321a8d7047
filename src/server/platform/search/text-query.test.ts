import { describe, expect, it } from "vitest";
import { parseSearch } from "../../../shared/search-query.js";
import { fromHeadline, highlightName, tsqueryText } from "./text-query.js";

const parsed = (q: string) => parseSearch(q).query;

describe("the text query", () => {
  it("matches words as prefixes, phrases in order, and leaves out excluded words", () => {
    expect(tsqueryText(parsed('rand "dose escalation" -draft'))).toBe(
      "rand:* & (dose <-> escalation) & !draft",
    );
  });

  it("is absent for a query of filters alone", () => {
    expect(tsqueryText(parsed("in:#general -draft"))).toBeNull();
  });
});

describe("highlights", () => {
  it("turn a headline's marks into offsets of the plain text", () => {
    expect(fromHeadline("The \u0002export\u0003 of \u0002randomisation\u0003  lists")).toEqual({
      text: "The export of randomisation lists",
      marks: [
        { start: 4, end: 10 },
        { start: 14, end: 27 },
      ],
    });
  });

  it("show a Markdown text's snippet without its bold, strike-through and code markers", () => {
    expect(fromHeadline("Starts with a **fridge \u0002log\u0003 check**, `temp_c` ~~daily~~")).toEqual({
      text: "Starts with a fridge log check, temp_c daily",
      marks: [{ start: 21, end: 24 }],
    });
  });

  it("mark every occurrence of a word in a name, merged where they overlap", () => {
    expect(highlightName("Site Ops site-ops", parsed("site ops si"))).toEqual({
      text: "Site Ops site-ops",
      marks: [
        { start: 0, end: 4 },
        { start: 5, end: 8 },
        { start: 9, end: 13 },
        { start: 14, end: 17 },
      ],
    });
  });
});
