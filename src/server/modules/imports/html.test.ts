import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../platform/markdown.js";
import { decodeEntities, escapeMarkdown, htmlToMarkdown } from "./html.js";

describe("HTML as Markdown", () => {
  it("keeps paragraphs and line breaks: <br> a line, two a paragraph, blocks a blank line", () => {
    expect(htmlToMarkdown("<div>one<br>two<br><br>three</div><p>four</p><p>five</p>")).toBe(
      "one\ntwo\n\nthree\n\nfour\n\nfive",
    );
  });

  it("makes bold, italics, strike-through, code and links Markdown's", () => {
    expect(
      htmlToMarkdown(
        '<div><strong>bold</strong> <b>b</b> <em>em</em> <i>i</i> <strike>gone</strike> <code>a*b</code> <a href="https://x.example/a b">link</a></div>',
      ),
    ).toBe("**bold** **b** *em* *i* ~~gone~~ `a*b` [link](https://x.example/a%20b)");
  });

  it("keeps a link whose text is its address as an autolink, and drops script links", () => {
    expect(
      htmlToMarkdown('<a href="https://e.example">https://e.example</a> <a href="javascript:alert(1)">x</a>'),
    ).toBe("<https://e.example> x");
  });

  it("makes lists, nested and numbered, headings, quotes and preformatted text", () => {
    expect(
      htmlToMarkdown(
        "<h1>Title</h1><ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><ol><li>first</li><li>second</li></ol>" +
          "<blockquote>quoted<br>more</blockquote><pre>  code\n    indented &lt;x&gt;</pre>",
      ),
    ).toBe(
      [
        "# Title",
        "",
        "- one",
        "- two",
        "  - nested",
        "",
        "1. first",
        "2. second",
        "",
        "> quoted",
        "> more",
        "",
        "```",
        "  code",
        "    indented <x>",
        "```",
      ].join("\n"),
    );
  });

  it("makes Basecamp's attachments links to their files, and mentions @Name", () => {
    expect(
      htmlToMarkdown(
        '<div>See <bc-attachment sgid="s1" content-type="image/png" filename="logo.png" href="https://bc.example/logo.png" caption="Logo">' +
          '<figure><img src="https://bc.example/preview"><figcaption>Logo</figcaption></figure></bc-attachment>, ' +
          '<bc-attachment sgid="s2" content-type="application/vnd.basecamp.mention"><figure><img src="a"><figcaption>Victor</figcaption></figure></bc-attachment>.</div>',
      ),
    ).toBe("See [logo.png](https://bc.example/logo.png), @Victor.");
  });

  it("decodes entities, named and numeric", () => {
    expect(
      decodeEntities("&amp; &lt;b&gt; &quot;q&quot; &#39;s&#39; &hellip; &#x1F600; &mdash; &unknown;"),
    ).toBe("& <b> \"q\" 's' … 😀 — &unknown;");
    expect(htmlToMarkdown("<div>caf&eacute;&nbsp;&amp;&nbsp;bar &Eacute;&szlig;&yuml;</div>")).toBe(
      "café & bar Éßÿ",
    );
  });

  it("escapes text Markdown would read as syntax, so it shows as it was written", () => {
    const markdown = htmlToMarkdown(
      "<div># not a heading<br>- not a list<br>1. not numbered<br>*stars* [brackets] snake_case _under_ &lt;b&gt;</div>",
    );
    expect(markdown).toBe(
      "\\# not a heading\n\\- not a list\n1\\. not numbered\n\\*stars\\* \\[brackets\\] snake_case \\_under\\_ \\<b>",
    );
    expect(renderMarkdown(markdown)).toBe(
      "<p># not a heading<br />- not a list<br />1. not numbered<br />*stars* [brackets] snake_case _under_ &lt;b&gt;</p>\n",
    );
    expect(escapeMarkdown("a*b")).toBe("a\\*b");
  });

  it("tolerates unclosed and stray tags, comments and scripts", () => {
    expect(
      htmlToMarkdown("<p>one<p>two</span><!-- note --><script>alert(1)</script><ul><li>a<li>b</ul>"),
    ).toBe("one\n\ntwo\n\n- a\n- b");
  });

  it("takes text without tags as plain text, lines kept", () => {
    expect(htmlToMarkdown("A new homepage.\r\nSecond line")).toBe("A new homepage.\nSecond line");
    expect(htmlToMarkdown(null)).toBe("");
  });

  it("makes a table a Markdown table", () => {
    expect(
      htmlToMarkdown("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2|3</td></tr></table>"),
    ).toBe("| a | b |\n| --- | --- |\n| 1 | 2\\|3 |");
  });
});
