/**
 * Reading a Groups.io group archive: the message archive (an mbox, split as it streams), the member
 * list (the CSV Groups.io exports, or members.json), and the threading of the messages into topics.
 * Nothing here writes; importer.ts turns what is read into the groups tables' rows.
 */

import type { ParsedMail } from "mailparser";
import { loadOnce } from "../../../platform/load-once.js";
import type { DeliveryMode, GroupRole } from "../../groups/index.js";
import { htmlToMarkdown } from "../html.js";

/**
 * Characters PostgreSQL text cannot hold (NUL) or the app refuses in any text (the input guard's C0
 * and C1 controls but tab, line feed and carriage return).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is this pattern's purpose.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

// ---------------------------------------------------------------------------------------------------
// The mbox
// ---------------------------------------------------------------------------------------------------

/** One message of the mbox, as its bytes (">From " lines unescaped), with its place in the file. */
export type MboxMessage = { index: number; fromLine: string; raw: Buffer };

const NEWLINE = 0x0a;
const FROM_ = Buffer.from("From ");

/** The separator line of an mbox: `From <sender> <date>` (the date's time and year say it is one). */
export function isFromLine(line: string): boolean {
  return line.startsWith("From ") && /\d{1,2}:\d{2}/.test(line) && /\d{4}/.test(line);
}

/** A header field's first line (`Name: value`): what follows a separator. */
const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;
const lineText = (line: Buffer) => line.toString("latin1").replace(/\r?\n$/, "");

const isBlank = (line: Buffer) =>
  line.length === 0 ||
  (line.length === 1 && line[0] === NEWLINE) ||
  (line.length === 2 && line[0] === 0x0d && line[1] === NEWLINE);

/** `>From `, `>>From `, ...: a body line the mbox escaped (mboxrd); one `>` is taken off. */
function unescaped(line: Buffer): Buffer {
  if (line[0] !== 0x3e) return line;
  let at = 0;
  while (line[at] === 0x3e) at += 1;
  return line.subarray(at, at + FROM_.length).equals(FROM_) ? line.subarray(1) : line;
}

/**
 * The messages of an mbox, one at a time, as the file streams: a message starts at a `From ` line
 * at the start of the file or after a blank line (one with a date, or one a header line follows),
 * and the blank line before the next one is the separator, not the message's. Bytes are kept as they
 * are (an 8-bit body in its own charset stays readable by the MIME parser); one message is held at a
 * time.
 */
export async function* mboxMessages(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<MboxMessage> {
  let lines: Buffer[] = [];
  let fromLine: string | null = null;
  let index = 0;
  let previousBlank = true;
  let rest: Buffer = Buffer.alloc(0);

  const finish = (): MboxMessage | null => {
    if (fromLine === null) return null;
    const last = lines.at(-1);
    if (last && isBlank(last)) lines.pop();
    const message = { index, fromLine, raw: Buffer.concat(lines) };
    index += 1;
    lines = [];
    return message;
  };

  const separate = function* (text: string): Generator<MboxMessage> {
    const done = finish();
    if (done) yield done;
    fromLine = text;
    previousBlank = false;
  };
  const keep = (line: Buffer) => {
    previousBlank = isBlank(line);
    // Lines before the first separator are not a message.
    if (fromLine !== null) lines.push(unescaped(line));
  };
  /** A `From ` line without a date, after a blank line: a separator only if a header follows. */
  let undated: Buffer | null = null;

  function* take(line: Buffer): Generator<MboxMessage> {
    if (undated) {
      const candidate = undated;
      undated = null;
      if (HEADER_LINE.test(line.toString("latin1"))) yield* separate(lineText(candidate));
      else keep(candidate);
    }
    if (previousBlank && line.subarray(0, FROM_.length).equals(FROM_)) {
      const text = lineText(line);
      if (isFromLine(text)) {
        yield* separate(text);
        return;
      }
      undated = line;
      return;
    }
    keep(line);
  }

  for await (const chunk of source) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    const data = rest.length > 0 ? Buffer.concat([rest, bytes]) : bytes;
    let start = 0;
    for (let end = data.indexOf(NEWLINE, start); end !== -1; end = data.indexOf(NEWLINE, start)) {
      yield* take(data.subarray(start, end + 1));
      start = end + 1;
    }
    // A copy, so the chunk it came from is not kept alive by the piece of a line.
    rest = Buffer.from(data.subarray(start));
  }
  if (rest.length > 0) yield* take(rest);
  if (undated) keep(undated);
  const done = finish();
  if (done) yield done;
}

// ---------------------------------------------------------------------------------------------------
// One message's headers
// ---------------------------------------------------------------------------------------------------

const loadParser = loadOnce(async () => (await import("mailparser")).simpleParser);

/**
 * Parses a whole message. HTML is not turned into text by the parser (the imports' htmlToMarkdown
 * does, keeping links and lists); `cid:` images are left as they are rather than inlined as data URLs.
 */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const simpleParser = await loadParser();
  return simpleParser(raw, { skipHtmlToText: true, keepCidLinks: true, skipTextToHtml: true });
}

/** The header block of a message (up to the first blank line), without its body. */
export function headerBlock(raw: Buffer): Buffer {
  const lf = raw.indexOf("\n\n");
  const crlf = raw.indexOf("\r\n\r\n");
  const ends = [lf === -1 ? -1 : lf + 1, crlf === -1 ? -1 : crlf + 2].filter((at) => at !== -1);
  const end = ends.length > 0 ? Math.min(...ends) : raw.length;
  return Buffer.concat([raw.subarray(0, end), Buffer.from("\r\n")]);
}

export type Sender = { address: string; name: string };

/** What threading, people and the topic rows need of a message, read from its headers alone. */
export type MessageHead = {
  index: number;
  /** The Message-ID with its angle brackets, as mail carries it; null when the mail has none. */
  messageId: string | null;
  /** Message-IDs the mail answers: References in order, then In-Reply-To. */
  refs: string[];
  subject: string;
  /** From the Date header, else the mbox separator's date; null when neither says. */
  date: Date | null;
  from: Sender | null;
  listId: string | null;
  listName: string | null;
  /** Why this is a digest rather than a message of the group, or null. */
  digest: string | null;
};

const ids = (value: string | null | undefined): string[] =>
  value?.replace(CONTROL, "").match(/<[^<>\s]+>/g) ?? [];

function rawHeader(mail: ParsedMail, key: string): string | null {
  const line = mail.headerLines.find((header) => header.key === key)?.line;
  if (!line) return null;
  return line
    .slice(line.indexOf(":") + 1)
    .replace(/\r?\n[ \t]+/g, " ")
    .trim();
}

/** The date of an mbox separator line: `From sender Mon Jan  3 10:00:00 2022`. */
export function fromLineDate(fromLine: string): Date | null {
  const rest = fromLine.replace(/^From \S+\s+/, "");
  const at = new Date(rest.replace(/\s+/g, " "));
  if (!Number.isNaN(at.getTime())) return at;
  const match = /(\w{3}) +(\d{1,2}) +(\d{1,2}:\d{2}(?::\d{2})?)(?: +([+-]\d{4}|[A-Z]{2,4}))? +(\d{4})/.exec(
    rest,
  );
  if (!match) return null;
  const [, month, day, time, zone, year] = match;
  const parsed = new Date(`${day} ${month} ${year} ${time} ${zone ?? "+0000"}`);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/**
 * Groups.io rewrites the From of members whose domain publishes a strict DMARC policy:
 * `"Ann Lee via groups.io" <ann=example.com@groups.io>`. The person is ann@example.com, Ann Lee.
 */
export function originalSender(address: string, name: string): Sender {
  const rewritten = /^(.+)=([^=@\s]+\.[^=@\s]+)@groups\.io$/i.exec(address);
  return {
    address: (rewritten ? `${rewritten[1]}@${rewritten[2]}` : address).toLowerCase(),
    name: name
      .replace(CONTROL, "")
      .replace(/\s+via\s+groups\.io\s*$/i, "")
      .trim(),
  };
}

/** `"Ann Lee" <ann@example.com>` or `ann@example.com`: an address header mailparser leaves as text. */
function addressText(value: string): Sender | null {
  const angled = /^(.*)<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angled) return { address: angled[2] ?? "", name: (angled[1] ?? "").trim().replace(/^"(.*)"$/, "$1") };
  const bare = /[^\s<>"]+@[^\s<>"]+/.exec(value);
  return bare ? { address: bare[0], name: "" } : null;
}

/** Who wrote a message: X-Original-From where a list put it, else From (as Groups.io rewrote it). */
function senderOf(mail: ParsedMail): Sender | null {
  const original = mail.headers.get("x-original-from");
  const fromOriginal = typeof original === "string" ? addressText(original) : null;
  const from = mail.from?.value.find((entry) => entry.address?.includes("@"));
  const sender = fromOriginal ?? (from?.address ? { address: from.address, name: from.name ?? "" } : null);
  return sender ? originalSender(sender.address, sender.name) : null;
}

/**
 * Digest mails Groups.io sends (and list software before it): not messages of the group, each of
 * theirs is in the archive by itself.
 */
export function digestReason(subject: string, contentType: string | null): string | null {
  if (contentType?.toLowerCase().startsWith("multipart/digest")) return "a multipart/digest mail";
  if (
    /\bdigest\s*(?:number|no\.?|#)\s*\d+/i.test(subject) ||
    /\bdigest for\s+\S+@\S+/i.test(subject) ||
    /\b(?:daily )?summary for\s+\S+@\S+/i.test(subject)
  )
    return "a digest subject";
  return null;
}

/** Reads a message's headers (without parsing its body). */
export async function readHead(message: MboxMessage): Promise<MessageHead> {
  const mail = await parseMail(headerBlock(message.raw));
  const rawId = rawHeader(mail, "message-id")?.replace(CONTROL, "");
  // An id written without its angle brackets is still the mail's id.
  const bare = rawId && /^[^<>\s]+@[^<>\s]+$/.test(rawId) ? `<${rawId}>` : null;
  const messageId = ids(mail.messageId)[0] ?? ids(rawId)[0] ?? bare;
  const references = Array.isArray(mail.references)
    ? mail.references.flatMap(ids)
    : ids(mail.references ?? rawHeader(mail, "references"));
  const inReplyTo = ids(mail.inReplyTo ?? rawHeader(mail, "in-reply-to"));
  const refs = [...new Set([...references, ...inReplyTo])].filter((id) => id !== messageId);
  const rawDate = rawHeader(mail, "date");
  const headerDate = rawDate ? new Date(rawDate) : null;
  const date =
    headerDate && !Number.isNaN(headerDate.getTime()) ? headerDate : fromLineDate(message.fromLine);
  const list = mail.headers.get("list") as { id?: { id?: string; name?: string } } | undefined;
  const contentType = mail.headers.get("content-type") as { value?: string } | undefined;
  const subject = (mail.subject ?? "").trim();
  return {
    index: message.index,
    messageId,
    refs,
    subject,
    date,
    from: senderOf(mail),
    listId: list?.id?.id?.trim() || null,
    listName: list?.id?.name?.trim() || null,
    digest: digestReason(subject, contentType?.value ?? null),
  };
}

// ---------------------------------------------------------------------------------------------------
// Subjects and threading
// ---------------------------------------------------------------------------------------------------

/** Prefixes mail clients and lists add: Re:, Fwd:, AW:, SV:, Re[2]:, and [group name]. */
const SUBJECT_PREFIX = /^\s*(?:(?:re|fwd?|aw|sv|antw)\s*(?:\[\d+\])?\s*:|\[[^\]]*\])\s*/i;

/** A subject as a topic shows it: without the prefixes replies and the list added. */
export function cleanSubject(subject: string): string {
  let text = subject.replace(CONTROL, "").replace(/\s+/g, " ").trim();
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(SUBJECT_PREFIX, "").trim();
  }
  return text || "(no subject)";
}

/** Subjects that are the same topic's: cleaned, case and spacing aside. */
export const subjectKey = (subject: string) => cleanSubject(subject).toLowerCase();

export type ThreadInput = { key: string; date: Date; order: number; subject: string; refs: string[] };

/**
 * Topics of messages: a message that names (References, In-Reply-To) a message of the archive is in
 * that message's topic, whatever the order or dates; a message that answers only messages the archive
 * does not hold joins the latest earlier topic with its subject (Re: and [group] prefixes aside), or
 * starts one; a message that answers nothing starts a topic. Returns each message's topic as the key
 * of the topic's first message (by date, then order).
 */
export function threadTopics(messages: readonly ThreadInput[]): Map<string, string> {
  const byKey = new Map(messages.map((message) => [message.key, message]));
  const parentOf = new Map<string, string>();
  const first = (a: ThreadInput, b: ThreadInput) => a.date.getTime() - b.date.getTime() || a.order - b.order;
  const find = (key: string): string => {
    let root = key;
    for (let up = parentOf.get(root); up !== undefined; up = parentOf.get(root)) root = up;
    // Path compression: every key on the way points at the root.
    for (let at = key, up = parentOf.get(at); up !== undefined; at = up, up = parentOf.get(at))
      parentOf.set(at, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    const [earlier, later] =
      first(byKey.get(ra) as ThreadInput, byKey.get(rb) as ThreadInput) <= 0 ? [ra, rb] : [rb, ra];
    parentOf.set(later, earlier);
  };

  const orphans: ThreadInput[] = [];
  const starters: ThreadInput[] = [];
  for (const message of messages) {
    const known = message.refs.filter((ref) => ref !== message.key && byKey.has(ref));
    for (const ref of known) union(message.key, ref);
    if (known.length === 0) (message.refs.length > 0 ? orphans : starters).push(message);
  }
  // Subjects as topics start, in time: an orphan reply joins the latest topic of its subject so far.
  const latestBySubject = new Map<string, string>();
  for (const message of [...orphans, ...starters].sort(first)) {
    const subject = subjectKey(message.subject);
    const earlier = message.refs.length > 0 ? latestBySubject.get(subject) : undefined;
    if (earlier !== undefined) union(message.key, earlier);
    else latestBySubject.set(subject, message.key);
  }
  return new Map(messages.map((message) => [message.key, find(message.key)]));
}

// ---------------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------------

/** The footer Groups.io adds under each mail it sends: `-=-=-=-...` then "Groups.io Links: ...". */
const GROUPSIO_FOOTER = /\n[ \t]*(?:-=){4,}-?[ \t]*\r?\n(?:[\s\S]*?)Groups\.io Links:[\s\S]*$/;

/**
 * The quoted message a reply ends with ("On ... wrote:" and the `>` lines under it): the archive
 * holds that message itself, so the reply keeps only what it added.
 */
function withoutTrailingQuote(text: string): string {
  const lines = text.split("\n");
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? "").trim() === "") end -= 1;
  let cut = end;
  while (cut > 0 && (lines[cut - 1] ?? "").trimStart().startsWith(">")) cut -= 1;
  if (cut === end) return text;
  while (cut > 0 && (lines[cut - 1] ?? "").trim() === "") cut -= 1;
  // The attribution line ("On ... wrote:"), which a mail client may wrap over two lines.
  const previous = lines[cut - 1]?.trim() ?? "";
  if (/wrote:$/i.test(previous)) {
    cut -= 1;
    if (!/^On\b/i.test(previous) && /^On\b/i.test(lines[cut - 1]?.trim() ?? "")) cut -= 1;
  }
  const kept = lines.slice(0, Math.max(0, cut)).join("\n").trim();
  return kept || text;
}

/** The most a message's text keeps: what the web form takes for a message. */
export const MAX_BODY_CHARS = 50_000;

/**
 * The text of a message as its topic shows it: the plain text part, else its HTML as Markdown-ish
 * text; without Groups.io's footer and the quoted message a reply ends with; line ends as `\n`.
 */
export function messageText(mail: Pick<ParsedMail, "text" | "html">): { text: string; shortened: boolean } {
  const plain = mail.text?.trim()
    ? mail.text
    : typeof mail.html === "string"
      ? htmlToMarkdown(mail.html)
      : "";
  const text = withoutTrailingQuote(
    plain.replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(GROUPSIO_FOOTER, ""),
  ).trim();
  if (text.length <= MAX_BODY_CHARS) return { text, shortened: false };
  return {
    text: `${text.slice(0, MAX_BODY_CHARS - 40).trimEnd()}\n\n[… the rest was shortened]`,
    shortened: true,
  };
}

const EXTENSIONS: Record<string, string> = {
  "text/plain": "txt",
  "text/html": "html",
  "text/csv": "csv",
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
};

/** A name for an attachment that has none: `attachment-2.pdf`, the extension from its type. */
export function attachmentName(filename: string | undefined, contentType: string, position: number): string {
  const name = filename?.replace(CONTROL, "").replace(/[/\\]/g, "_").trim();
  if (name) return name;
  return `attachment-${position}.${EXTENSIONS[contentType.toLowerCase()] ?? "bin"}`;
}

// ---------------------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------------------

export type ExportMember = {
  email: string;
  name: string | null;
  delivery: DeliveryMode;
  role: GroupRole;
  joinedAt: Date | null;
};

export type MemberProblem = { item: string; reason: string };

/**
 * A Groups.io delivery choice as a group delivery mode: Individual Messages (and anything naming all
 * messages) is every message, any digest or summary is the daily digest, Special Notices Only and No
 * Email are none. Unknown or empty: every message, Groups.io's default.
 */
export function deliveryFrom(value: string | null | undefined): DeliveryMode {
  const text = (value ?? "").toLowerCase();
  if (/special notices|no e-?mail|\bnomail\b|web only|^none$|suspended/.test(text)) return "none";
  if (/digest|summary/.test(text)) return "digest";
  return "all";
}

/** A Groups.io role (Owner, Moderator, Member; several may be listed): the strongest. */
export function roleFrom(value: string | null | undefined): GroupRole {
  const text = (value ?? "").toLowerCase();
  if (/\bowner\b/.test(text)) return "owner";
  if (/\bmod(?:erator)?\b/.test(text)) return "moderator";
  return "member";
}

/** Rows of RFC 4180 CSV (quotes, "" inside quotes, line breaks inside quoted values, CRLF or LF). */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const input = text.replace(/^\uFEFF/, "");
  for (let at = 0; at < input.length; at += 1) {
    const ch = input[at];
    if (quoted) {
      if (ch === '"' && input[at + 1] === '"') {
        cell += '"';
        at += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && input[at + 1] === "\n") at += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((value) => value.trim() !== ""));
}

const normalHeader = (header: string) =>
  header
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

function columnOf(headers: string[], ...tests: ((header: string) => boolean)[]): number {
  for (const test of tests) {
    const at = headers.findIndex(test);
    if (at !== -1) return at;
  }
  return -1;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function dateOf(value: string | null | undefined): Date | null {
  if (!value?.trim()) return null;
  const at = new Date(value.trim());
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Adds a member, or merges them with an earlier row of the same address (the stronger role wins). */
function addMember(members: Map<string, ExportMember>, member: ExportMember): void {
  const seen = members.get(member.email);
  if (!seen) {
    members.set(member.email, member);
    return;
  }
  const rank = { member: 0, moderator: 1, owner: 2 } as const;
  members.set(member.email, {
    ...seen,
    name: seen.name ?? member.name,
    role: rank[member.role] > rank[seen.role] ? member.role : seen.role,
  });
}

/**
 * Groups.io's member export: a CSV whose header names the columns (Email, Display Name or Name,
 * Delivery or Subscription, Role, Joined; any case, any order, other columns ignored).
 */
export function membersFromCsv(
  text: string,
  fileName: string,
): { members: ExportMember[]; problems: MemberProblem[] } {
  const [header, ...rows] = csvRows(text);
  if (!header) return { members: [], problems: [{ item: fileName, reason: "The members list is empty." }] };
  const headers = header.map(normalHeader);
  const email = columnOf(
    headers,
    (h) => h === "email" || h === "email address" || h === "e mail",
    (h) => h.includes("email") && !/delivery|status|verified|bounc/.test(h),
  );
  if (email === -1)
    return {
      members: [],
      problems: [{ item: fileName, reason: "The members list has no Email column; no members were read." }],
    };
  const name = columnOf(
    headers,
    (h) => h === "display name",
    (h) => h === "name" || h === "full name",
    (h) => h.includes("name") && !h.includes("user"),
  );
  const delivery = columnOf(
    headers,
    (h) => h.includes("delivery"),
    (h) => h.includes("subscription"),
  );
  const role = columnOf(
    headers,
    (h) => h.includes("role"),
    (h) => h === "owner" || h === "moderator",
  );
  const joined = columnOf(headers, (h) => h.includes("joined") || h.includes("join date"));
  const members = new Map<string, ExportMember>();
  const problems: MemberProblem[] = [];
  rows.forEach((cells, at) => {
    const address = (cells[email] ?? "").trim().toLowerCase();
    if (!EMAIL.test(address)) {
      problems.push({ item: `${fileName}, row ${at + 2}`, reason: `"${address}" is not an e-mail address.` });
      return;
    }
    addMember(members, {
      email: address,
      name: (name === -1 ? "" : (cells[name] ?? "").trim()) || null,
      delivery: deliveryFrom(delivery === -1 ? null : cells[delivery]),
      role: roleFrom(role === -1 ? null : cells[role]),
      joinedAt: dateOf(joined === -1 ? null : cells[joined]),
    });
  });
  return { members: [...members.values()], problems };
}

/** members.json: an array of `{ email, name, delivery, role?, joined? }` (keys in any case). */
export function membersFromJson(
  value: unknown,
  fileName: string,
): { members: ExportMember[]; problems: MemberProblem[] } {
  if (!Array.isArray(value))
    return { members: [], problems: [{ item: fileName, reason: "The members list is not an array." }] };
  const members = new Map<string, ExportMember>();
  const problems: MemberProblem[] = [];
  value.forEach((entry: unknown, at) => {
    const fields = new Map(
      Object.entries(entry && typeof entry === "object" ? entry : {}).map(([key, field]) => [
        normalHeader(key).replace(/ /g, ""),
        typeof field === "string" ? field : field == null ? null : String(field),
      ]),
    );
    const address = (fields.get("email") ?? fields.get("emailaddress") ?? "").trim().toLowerCase();
    if (!EMAIL.test(address)) {
      problems.push({
        item: `${fileName}, entry ${at + 1}`,
        reason: `"${address}" is not an e-mail address.`,
      });
      return;
    }
    addMember(members, {
      email: address,
      name: (fields.get("displayname") ?? fields.get("name") ?? "").trim() || null,
      delivery: deliveryFrom(fields.get("delivery") ?? fields.get("subscription")),
      role: roleFrom(fields.get("role") ?? fields.get("roles")),
      joinedAt: dateOf(fields.get("joined") ?? fields.get("joinedat")),
    });
  });
  return { members: [...members.values()], problems };
}
