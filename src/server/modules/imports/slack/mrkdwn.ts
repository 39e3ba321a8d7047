/**
 * Slack's mrkdwn as Convene's Markdown. Slack escapes &, < and > in its text and writes every link,
 * mention and channel reference between angle brackets: `<@U024BE7LH>`, `<#C024BE7LR|general>`,
 * `<!channel>`, `<https://example.com|label>`. Emphasis uses single markers: *bold*, _italic_,
 * ~strike~. Code spans and blocks are kept as they are.
 */

export type MentionTarget = { email: string | null; name: string };

export type Conversion = {
  markdown: string;
  /** Slack user ids mentioned with `<@U…>`. */
  mentioned: string[];
  /** `<!channel>`, `<!here>` or `<!everyone>`. */
  mentionsChannel: boolean;
};

const decodeEntities = (text: string) =>
  text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

/** Emphasis outside code: Slack's single markers become Markdown's. */
function emphasis(text: string): string {
  return text
    .replace(/(^|[\s([{"'])\*(?=\S)([^*\n]*?\S)\*(?=$|[\s)\]}.,;:!?"'])/g, "$1**$2**")
    .replace(/(^|[\s([{"'])~(?=\S)([^~\n]*?\S)~(?=$|[\s)\]}.,;:!?"'])/g, "$1~~$2~~");
}

export function mrkdwnToMarkdown(
  text: string,
  people: (slackId: string) => MentionTarget | undefined,
  channelName: (slackId: string) => string | undefined,
): Conversion {
  const mentioned: string[] = [];
  let mentionsChannel = false;
  // Code (``` blocks and ` spans) is kept verbatim: split it out first, convert the rest.
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]+`)/g);
  const converted = parts.map((part, index) => {
    if (index % 2 === 1) return decodeEntities(part);
    const linked = part.replace(/<([^<>\n]+)>/g, (_whole, inner: string) => {
      const [target = "", label] = inner.split("|", 2) as [string, string | undefined];
      if (target.startsWith("@")) {
        const id = target.slice(1);
        mentioned.push(id);
        const person = people(id);
        if (person?.email) return `@${person.email}`;
        return `@${person?.name ?? label ?? id}`;
      }
      if (target.startsWith("#")) return `#${channelName(target.slice(1)) ?? label ?? target.slice(1)}`;
      if (target.startsWith("!")) {
        const special = target.slice(1).split("^")[0] ?? "";
        if (special === "channel" || special === "here" || special === "everyone") {
          mentionsChannel = true;
          return special === "here" ? "@here" : "@channel";
        }
        if (special.startsWith("subteam")) return `@${label?.replace(/^@/, "") ?? "team"}`;
        return label ?? "";
      }
      const url = decodeEntities(target);
      if (target.startsWith("mailto:")) return label ? `[${decodeEntities(label)}](${url})` : url.slice(7);
      return label && label !== target ? `[${decodeEntities(label)}](${url})` : `<${url}>`;
    });
    return decodeEntities(emphasis(linked));
  });
  return { markdown: converted.join(""), mentioned, mentionsChannel };
}

/** Slack's reaction names as emoji; a custom or unknown one keeps its `:name:`. */
const EMOJI: Record<string, string> = {
  "+1": "👍",
  thumbsup: "👍",
  "-1": "👎",
  thumbsdown: "👎",
  heart: "❤️",
  tada: "🎉",
  smile: "😄",
  slightly_smiling_face: "🙂",
  joy: "😂",
  laughing: "😆",
  eyes: "👀",
  pray: "🙏",
  clap: "👏",
  fire: "🔥",
  rocket: "🚀",
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  x: "❌",
  warning: "⚠️",
  thinking_face: "🤔",
  raised_hands: "🙌",
  ok_hand: "👌",
  wave: "👋",
  "100": "💯",
  star: "⭐",
  bulb: "💡",
  question: "❓",
  exclamation: "❗",
  muscle: "💪",
  sob: "😭",
  sweat_smile: "😅",
  confused: "😕",
  bug: "🐛",
  memo: "📝",
  pushpin: "📌",
};

export function emojiOf(name: string): string {
  const base = name.split("::")[0] ?? name;
  return EMOJI[base] ?? `:${base}:`.slice(0, 32);
}
