import { describe, expect, it } from "vitest";
import { LABEL_CAUTION, renderLabel } from "./label.js";
import { barcodeFor, checkDigit, isExpired, splitQuantity } from "./lots.js";

describe("barcode values", () => {
  it("computes the GS1 mod-10 check digit", () => {
    // GTIN-13 6291041500213 and GTIN-12 036000291452 from the GS1 examples.
    expect(checkDigit("629104150021")).toBe(3);
    expect(checkDigit("03600029145")).toBe(2);
  });

  it("writes PH-, a 7-digit serial and its check digit", () => {
    expect(barcodeFor(12)).toBe(`PH-0000012-${checkDigit("0000012")}`);
    expect(barcodeFor(1234567)).toMatch(/^PH-1234567-\d$/);
  });
});

describe("splitting a lot over containers", () => {
  it("gives the first containers the remainder, one unit each, and never an empty container", () => {
    expect(splitQuantity(10, 3)).toEqual([4, 3, 3]);
    expect(splitQuantity(500, 500)).toEqual(Array(500).fill(1));
    expect(splitQuantity(7, 1)).toEqual([7]);
  });
});

describe("expiry", () => {
  it("treats the expiry date as the last day of use", () => {
    expect(isExpired("2026-04-30", "2026-04-30")).toBe(false);
    expect(isExpired("2026-04-30", "2026-05-01")).toBe(true);
  });
});

describe("the label", () => {
  it("escapes what the pharmacist typed, so a product name cannot break the SVG", async () => {
    const svg = await renderLabel({
      barcode: "PH-0000001-7",
      productName: 'Compound <X> & "Y"',
      strength: "5 mg",
      form: "tablet",
      lotNumber: "L1",
      expiry: "2030-01-31",
      quantity: 30,
      units: "tablet",
      storageNotes: "",
    });
    expect(svg).toContain("Compound &lt;X&gt; &amp; &quot;Y&quot;");
    expect(svg).not.toContain("<X>");
    expect(svg).toContain(LABEL_CAUTION);
    expect(svg).not.toContain("Storage:");
    expect(svg.match(/<svg /g)).toHaveLength(2);
  });
});
