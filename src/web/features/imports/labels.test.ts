import { describe, expect, it } from "vitest";
import { countLabel, destinationOf } from "./labels.js";

describe("an import's count keys", () => {
  it.each([
    ["messages", "Messages"],
    ["filesInExport", "Files in export"],
    ["privateChannels", "Private channels"],
    ["digestsSkipped", "Digests skipped"],
    ["todo_lists", "Todo lists"],
    ["attachmentsOverMB", "Attachments over MB"],
    ["filesLinked", "Files linked (not in the export)"],
  ])("reads %s as “%s”", (key, label) => {
    expect(countLabel(key)).toBe(label);
  });
});

describe("where an import went", () => {
  it("is chat for Slack, the named group for Groups.io and the projects for Basecamp", () => {
    expect(destinationOf("slack", null).to).toBe("/chat");
    expect(destinationOf("groupsio", "lab-ops").to).toBe("/groups/lab-ops");
    expect(destinationOf("basecamp", null).to).toBe("/projects");
  });
});
