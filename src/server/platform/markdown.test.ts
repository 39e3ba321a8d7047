import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown.js";

describe("the Markdown renderer", () => {
  it("renders ordinary Markdown", () => {
    const html = renderMarkdown("**bold** and a [link](https://example.org)\n\n- item");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('href="https://example.org"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain("<li>item</li>");
  });

  it("removes script elements", () => {
    const html = renderMarkdown("hello <script>alert(1)</script> world");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("alert(1)");
  });

  it("removes event-handler attributes such as onerror", () => {
    const html = renderMarkdown('<img src="https://example.org/x.png" onerror="alert(1)">');
    expect(html).toContain("<img");
    expect(html).not.toMatch(/onerror/i);
  });

  it("refuses javascript: links", () => {
    const html = renderMarkdown("[click](javascript:alert(1))");
    expect(html).not.toMatch(/javascript:/i);
  });
});
