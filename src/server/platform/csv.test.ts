import { describe, expect, it } from "vitest";
import { csvField } from "./csv.js";

describe("csvField", () => {
  it("leaves plain text and numbers as they are", () => {
    expect(csvField("Pharmacy preview")).toBe("Pharmacy preview");
    expect(csvField(42)).toBe("42");
    expect(csvField(null)).toBe("");
  });

  it("quotes a field holding a comma, a quote, a line break or an edge space", () => {
    expect(csvField("a, b")).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("one\ntwo")).toBe('"one\ntwo"');
    expect(csvField(" padded")).toBe('" padded"');
  });

  it.each([
    ['=HYPERLINK("http://evil.example")', '"\'=HYPERLINK(""http://evil.example"")"'],
    ["+1+1", "'+1+1"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", '"\'\r=1+1"'],
  ])("puts an apostrophe before text a spreadsheet would run as a formula: %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("keeps negative numbers given as numbers, but not text that only looks like one", () => {
    expect(csvField(-5)).toBe("-5");
    expect(csvField(-0.25)).toBe("-0.25");
    expect(csvField("-5")).toBe("'-5");
  });

  it("leaves a formula character that is not at the start alone", () => {
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField("mail me@example.com")).toBe("mail me@example.com");
  });
});
