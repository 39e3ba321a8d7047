import { describe, expect, it } from "vitest";
import type { JumpPage } from "../../app/navigation.js";
import { highlightParts, matchingPages, readiness } from "./search-text.js";

describe("a highlighted text", () => {
  it("splits into the plain and the matched runs, in order", () => {
    expect(
      highlightParts({
        text: "deploy the dose escalation",
        marks: [
          { start: 16, end: 26 },
          { start: 0, end: 6 },
        ],
      }),
    ).toEqual([
      { text: "deploy", marked: true },
      { text: " the dose ", marked: false },
      { text: "escalation", marked: true },
    ]);
  });

  it("ignores marks that are empty, out of range or overlap an earlier one", () => {
    expect(
      highlightParts({
        text: "abcdef",
        marks: [
          { start: 1, end: 3 },
          { start: 2, end: 4 },
          { start: 5, end: 5 },
          { start: 5, end: 40 },
        ],
      }),
    ).toEqual([
      { text: "a", marked: false },
      { text: "bc", marked: true },
      { text: "d", marked: true },
      { text: "e", marked: false },
      { text: "f", marked: true },
    ]);
  });

  it("is one plain run without marks, even when empty", () => {
    expect(highlightParts({ text: "plain", marks: [] })).toEqual([{ text: "plain", marked: false }]);
    expect(highlightParts({ text: "", marks: [] })).toEqual([{ text: "", marked: false }]);
  });
});

describe("when a typed query is sent", () => {
  it("waits for two letters, or a filter", () => {
    expect(readiness("d")).toEqual({ ready: false, reason: "too short" });
    expect(readiness("-de")).toEqual({ ready: false, reason: "too short" });
    expect(readiness("de")).toEqual({ ready: true });
    expect(readiness("in:#general")).toEqual({ ready: true });
    expect(readiness('"a b"')).toEqual({ ready: true });
  });

  it("says what is wrong instead of sending a query the server would refuse", () => {
    expect(readiness("deploy after:yesterday")).toEqual({
      ready: false,
      reason: "problems",
      message: "after: needs a day like 2026-11-01.",
    });
  });
});

describe("the pages a query names", () => {
  const pages: JumpPage[] = [
    { to: "/", label: "For you", description: "" },
    { to: "/desk", label: "Service desk", description: "" },
    { to: "/settings/notifications", label: "Notification settings", description: "" },
    { to: "/desk/new", label: "New ticket", description: "" },
  ];
  const labels = (q: string) => matchingPages(pages, q).map((page) => page.label);

  it("are every page before anything is typed", () => {
    expect(labels("")).toEqual(["For you", "Service desk", "Notification settings", "New ticket"]);
  });

  it("are those whose name has a word starting with each typed word", () => {
    expect(labels("desk")).toEqual(["Service desk"]);
    expect(labels("notif sett")).toEqual(["Notification settings"]);
    expect(labels("settings desk")).toEqual([]);
  });

  it("put a name that starts with the query first", () => {
    const named = (label: string) => ({ to: `/${label}`, label, description: "" });
    const found = matchingPages([named("Sandbox users"), named("Users")], "users");
    expect(found.map((page) => page.label)).toEqual(["Users", "Sandbox users"]);
  });

  it("are none for a query with filters, which is a search", () => {
    expect(labels("desk in:#general")).toEqual([]);
    expect(labels("desk type:ticket")).toEqual([]);
  });
});
