import { describe, expect, it } from "vitest";
import { isUniqueViolation } from "./db-errors.js";

const driverError = (code: string) => Object.assign(new Error("from the driver"), { code });

describe("isUniqueViolation", () => {
  it("finds the driver's 23505 however deep drizzle wraps it", () => {
    expect(isUniqueViolation(driverError("23505"))).toBe(true);
    const wrapped = new Error("Failed query", { cause: new Error("again", { cause: driverError("23505") }) });
    expect(isUniqueViolation(wrapped)).toBe(true);
  });

  it("is false for any other error or value", () => {
    expect(isUniqueViolation(new Error("Failed query", { cause: driverError("23503") }))).toBe(false);
    expect(isUniqueViolation({ code: "23505" })).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
