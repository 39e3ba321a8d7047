import { describe, expect, it } from "vitest";
import { parseMrkdwn } from "./slack-mrkdwn.js";

describe("Slack mrkdwn as the preview shows it", () => {
  it("splits bold, italic, struck, code and links, and unescapes Slack's control characters", () => {
    expect(
      parseMrkdwn("*New* _dosing_ ~old~ `code` <https://x.example/r|notes> a &lt;b&gt; &amp; c"),
    ).toEqual([
      { kind: "bold", text: "New" },
      { kind: "text", text: " " },
      { kind: "italic", text: "dosing" },
      { kind: "text", text: " " },
      { kind: "strike", text: "old" },
      { kind: "text", text: " " },
      { kind: "code", text: "code" },
      { kind: "text", text: " " },
      { kind: "link", text: "notes", href: "https://x.example/r" },
      { kind: "text", text: " a <b> & c" },
    ]);
  });

  it("keeps a link to anything but http(s) or mailto as its text", () => {
    expect(parseMrkdwn("<javascript:alert(1)|click>")).toEqual([{ kind: "text", text: "click" }]);
  });
});
