import { describe, expect, it } from "vitest";
import { escapeXml } from "./atom.js";
import { announcementBody, escapeMarkdown, releaseHtml } from "./content.js";
import { escapeSlack, markdownToMrkdwn, slackPayload } from "./slack.js";

const release = {
  version: "26.3",
  title: "Pharmacy <preview> & more",
  releaseDate: "2026-03-31",
  notes: "Intro",
  url: "https://convene.example/releases/26.3",
  features: [
    {
      title: "Dispensing *log*",
      module: "Pharmacy",
      availability: "preview" as const,
      description: "<b>kits</b>",
    },
  ],
};

describe("Markdown notes as Slack mrkdwn", () => {
  it.each([
    ["**bold** and _italic_ and ~~gone~~", "*bold* and _italic_ and ~gone~"],
    ["# Heading\n\nText", "*Heading*\n\nText"],
    ["- one\n- **two**", "• one\n• *two*"],
    ["3. third\n4. fourth", "3. third\n4. fourth"],
    ["[docs](https://docs.example/a?b=1&c=2)", "<https://docs.example/a?b=1&c=2|docs>"],
    ["[bad](javascript:alert(1))", "bad"],
    ["a < b & c > d", "a &lt; b &amp; c &gt; d"],
    ["<script>alert(1)</script>\n\nhi", "hi"],
    ["hi <b>there</b>", "hi there"],
    ["`x < 1`", "`x &lt; 1`"],
    ["> quoted", "> quoted"],
    ["```\ncode <b>\n```", "```code &lt;b&gt;```"],
  ])("turns %j into %j", (markdown, mrkdwn) => {
    expect(markdownToMrkdwn(markdown)).toBe(mrkdwn);
  });

  it("escapes only Slack's three control characters", () => {
    expect(escapeSlack("<@U123> & <!channel>")).toBe("&lt;@U123&gt; &amp; &lt;!channel&gt;");
  });
});

describe("the Slack payload", () => {
  it("has a header, the notes, the features with GA/Preview, and a button to the release page", () => {
    const payload = slackPayload({ ...release, notes: "x".repeat(4000) });
    expect(payload.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
    const section = payload.blocks.find((b) => b.type === "section" && "text" in b) as {
      text: { text: string };
    };
    expect(section.text.text.length).toBeLessThan(3000);
    expect(section.text.text).toContain("|Read more>");
    const fields = payload.blocks.find((b) => "fields" in b) as { fields: { text: string }[] };
    expect(fields.fields[0]?.text).toBe("*Dispensing *log**\nPharmacy · Preview\n&lt;b&gt;kits&lt;/b&gt;");
    expect(JSON.stringify(payload.blocks.at(-1))).toContain(release.url);
  });

  it("splits more than 10 features over sections, within Slack's limits", () => {
    const features = Array.from({ length: 45 }, (_, i) => ({
      title: `F${i}`,
      module: "eSource",
      availability: "ga" as const,
      description: "",
    }));
    const payload = slackPayload({ ...release, features });
    const sections = payload.blocks.filter((b) => "fields" in b) as { fields: unknown[] }[];
    expect(sections.map((s) => s.fields.length)).toEqual([10, 10, 10, 10]);
    expect(JSON.stringify(payload)).toContain("5 more on the release page");
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe("renderings of a release", () => {
  it("escapes staff-typed titles in the feature HTML", () => {
    const html = releaseHtml(release);
    expect(html).toContain(
      "<strong>Dispensing *log*</strong> (Pharmacy · Preview)<br />&lt;b&gt;kits&lt;/b&gt;",
    );
  });

  it("keeps titles literal in the announcement's Markdown", () => {
    expect(escapeMarkdown("a *b* [c](d) <e>")).toBe("a \\*b\\* \\[c\\](d) \\<e\\>");
    expect(announcementBody(release)).toContain(
      "**Convene 26.3 — Pharmacy \\<preview\\> & more** is out (2026-03-31).",
    );
  });

  it("drops characters XML cannot carry and escapes the rest", () => {
    expect(escapeXml("a\u0000b\u001Fc <d> & 'e' \"f\" \uD800")).toBe(
      "abc &lt;d&gt; &amp; &apos;e&apos; &quot;f&quot; ",
    );
    expect(escapeXml("emoji 🚀 stays")).toBe("emoji 🚀 stays");
  });
});
