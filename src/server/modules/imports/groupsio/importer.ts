/**
 * Groups.io's group archive: the message archive as an mbox (`messages.mbox`), bare, or in the zip of
 * the group's export with its member list (the members CSV Groups.io exports, or members.json). The
 * archive goes into one Convene group, named by the admin (`groupHandle`): the one with that handle,
 * or a new one.
 *
 * Opening reads the mbox once, headers only: who wrote, and the topics (threading by Message-ID,
 * In-Reply-To and References, see read.ts). The survey and the write read it again, a message at a
 * time, the write in batches of messages (with their topics, hashtags and files) per transaction.
 * Digests are left out: each message they hold is in the archive by itself. Nothing is e-mailed,
 * notified or announced: the group's import writer writes rows only.
 */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { invalid } from "../../../platform/errors.js";
import {
  groupForImport,
  hashtagsOf,
  type ImportedGroupMember,
  type ImportedMessage,
  type ImportedTopic,
  importedMessagesOf,
  reservedHandles,
  writeImportedMembers,
  writeImportedMessages,
} from "../../groups/index.js";
import type {
  ExportFile,
  ExportPerson,
  ImportProblem,
  OpenedExport,
  SourceImporter,
  WriteContext,
} from "../model.js";
import { openZip, type ZipExport } from "../zip.js";
import {
  attachmentName,
  cleanSubject,
  type ExportMember,
  type MboxMessage,
  type MessageHead,
  mboxMessages,
  membersFromCsv,
  membersFromJson,
  messageText,
  parseMail,
  readHead,
  threadTopics,
} from "./read.js";

const WHAT = "Groups.io export";
/** Messages one write transaction holds at most, and the text it holds at most. */
export const MESSAGE_BATCH = 500;
const BATCH_TEXT_CHARS = 4_000_000;
/** Survey progress is reported every this many messages. */
const PROGRESS_EVERY = 500;
const MAX_SUBJECT_CHARS = 200;
const DIGEST_REASON = "digest — its messages are in the archive individually";
const EMPTY_BODY = "_(an empty message)_";

/** Where the archive is: the mbox (opened anew for each pass) and the member list, if any. */
type ArchiveSource = {
  mbox: () => Promise<Readable>;
  members: () => Promise<{ members: ExportMember[]; problems: ImportProblem[] }>;
  close: () => void;
};

/** A message the archive will write, as its headers said (no body, no references once threaded). */
type KeptMessage = {
  index: number;
  key: string;
  emailMessageId: string | null;
  subject: string;
  date: Date;
  from: string | null;
  topicKey: string;
};

/** A topic as threading made it: keyed by its first message's key, whose subject and author it has. */
type TopicPlan = { subject: string; from: string | null; createdAt: Date; lastMessageAt: Date };

/** The handle the admin named, as a group's handle is written; refused as `groupHandle`. */
export function checkedHandle(value: string | undefined): string {
  const handle = (value ?? "").trim().toLowerCase();
  if (!handle) throw invalid({ groupHandle: "Name the group the archive goes into (its handle)." });
  if (handle.length < 3 || handle.length > 40 || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(handle))
    throw invalid({
      groupHandle: "Use 3 to 40 lowercase letters, digits and hyphens (not at either end).",
    });
  if (reservedHandles.has(handle))
    throw invalid({ groupHandle: `"${handle}" is reserved for the system; choose another handle.` });
  return handle;
}

/** The export's format, by its first bytes: a zip (`PK\x03\x04`) or an mbox (`From `). */
async function formatOf(filePath: string): Promise<"zip" | "mbox"> {
  const file = await fs.open(filePath, "r").catch(() => {
    throw invalid({ file: "The file cannot be read." });
  });
  try {
    const head = Buffer.alloc(5);
    const { bytesRead } = await file.read(head, 0, 5, 0);
    const start = head.subarray(0, bytesRead);
    if (start.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return "zip";
    if (start.toString("latin1") === "From ") return "mbox";
  } finally {
    await file.close();
  }
  throw invalid({
    file: "This is not a Groups.io export: give the group's message archive (an mbox) or the export's zip.",
  });
}

/** Whether a stream starts as an mbox does (or is empty); the stream is closed either way. */
async function startsAsMbox(stream: Readable): Promise<boolean> {
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of stream) {
      head = Buffer.concat([head, chunk as Buffer]);
      if (head.length >= 5) break;
    }
  } finally {
    stream.destroy();
  }
  return head.length === 0 || head.subarray(0, 5).toString("latin1") === "From ";
}

const baseName = (name: string) => path.posix.basename(name).toLowerCase();
const isHidden = (name: string) => name.startsWith("__MACOSX/") || baseName(name).startsWith(".");

async function zipSource(zip: ZipExport): Promise<ArchiveSource> {
  const entries = zip.entries.filter((entry) => !isHidden(entry.name));
  const mboxes = entries.filter((entry) => baseName(entry.name).endsWith(".mbox"));
  if (mboxes.length === 0)
    throw invalid({ file: "This zip is not a Groups.io export: it holds no message archive (.mbox)." });
  if (mboxes.length > 1)
    throw invalid({
      file: `This zip holds ${mboxes.length} message archives (.mbox); import one group's archive at a time.`,
    });
  const mboxName = mboxes[0]?.name ?? "";
  if (!(await startsAsMbox(await zip.stream(mboxName))))
    throw invalid({ file: `${mboxName} in the ${WHAT} is not an mbox.` });
  const csvs = entries.filter((entry) => baseName(entry.name).endsWith(".csv"));
  const csv =
    csvs.find((entry) => baseName(entry.name).includes("member")) ??
    (csvs.length === 1 ? csvs[0] : undefined);
  const json = entries.find((entry) => baseName(entry.name) === "members.json");
  return {
    mbox: () => zip.stream(mboxName),
    async members() {
      if (csv) return membersFromCsv((await zip.read(csv.name)).toString("utf8"), csv.name);
      if (json) return membersFromJson(await zip.json<unknown>(json.name), json.name);
      return { members: [], problems: [] };
    },
    close: () => zip.close(),
  };
}

export const groupsioImporter: SourceImporter = {
  source: "groupsio",
  async open(filePath, options) {
    const handle = checkedHandle(options.groupHandle);
    const format = await formatOf(filePath);
    const zip = format === "zip" ? await openZip(filePath, WHAT) : null;
    try {
      const source: ArchiveSource = zip
        ? await zipSource(zip)
        : {
            mbox: async () => createReadStream(filePath),
            members: async () => ({ members: [], problems: [] }),
            close: () => {},
          };
      return await openedArchive(source, handle);
    } catch (error) {
      zip?.close();
      throw error;
    }
  },
};

const timeOf = (date: Date) => date.toISOString().replace(".000Z", "Z");
const described = (subject: string, date: Date | null) =>
  `"${cleanSubject(subject)}"${date ? ` (${timeOf(date)})` : ""}`;

async function openedArchive(source: ArchiveSource, handle: string): Promise<OpenedExport> {
  const { members, problems: memberProblems } = await source.members();
  const openingProblems: ImportProblem[] = [...memberProblems];
  const kept: (Omit<KeptMessage, "topicKey"> & { refs: string[] })[] = [];
  const keys = new Set<string>();
  const senders = new Map<string, string>();
  let digests = 0;
  let listId: string | null = null;
  let listName: string | null = null;
  let previousDate: Date | null = null;

  for await (const message of mboxMessages(await source.mbox())) {
    let head: MessageHead;
    try {
      head = await readHead(message);
    } catch {
      openingProblems.push({
        item: `Message ${message.index + 1} of the archive`,
        reason: "Its headers cannot be read.",
      });
      continue;
    }
    listId ??= head.listId;
    listName ??= head.listName;
    if (head.digest) {
      digests += 1;
      openingProblems.push({ item: described(head.subject, head.date), reason: DIGEST_REASON });
      continue;
    }
    const key = head.messageId ?? syntheticId(message);
    if (keys.has(key)) {
      openingProblems.push({
        item: `${described(head.subject, head.date)} ${head.messageId ?? ""}`.trim(),
        reason: "The archive holds this message twice (the same Message-ID): it is imported once.",
      });
      continue;
    }
    keys.add(key);
    let date = head.date;
    if (!date) {
      date = previousDate ?? new Date(0);
      openingProblems.push({
        item: described(head.subject, null),
        reason: "The message has no date: it is dated as the one before it in the archive.",
      });
    }
    previousDate = date;
    if (head.from && !senders.get(head.from.address)) senders.set(head.from.address, head.from.name);
    kept.push({
      index: message.index,
      key,
      emailMessageId: head.messageId,
      subject: head.subject,
      date,
      from: head.from?.address ?? null,
      refs: head.refs,
    });
  }

  const topicOf = threadTopics(
    kept.map((message) => ({
      key: message.key,
      date: message.date,
      order: message.index,
      subject: message.subject,
      refs: message.refs,
    })),
  );
  const messages = new Map<number, KeptMessage>();
  const byKey = new Map<string, KeptMessage>();
  for (const { refs: _refs, ...message } of kept) {
    const entry = { ...message, topicKey: topicOf.get(message.key) ?? message.key };
    messages.set(message.index, entry);
    byKey.set(message.key, entry);
  }
  kept.length = 0;
  const topics = new Map<string, TopicPlan>();
  for (const message of messages.values()) {
    const topic = topics.get(message.topicKey);
    const root = byKey.get(message.topicKey) ?? message;
    if (!topic)
      topics.set(message.topicKey, {
        subject: topicSubject(root.subject),
        from: root.from,
        createdAt: root.date,
        lastMessageAt: message.date,
      });
    else if (message.date > topic.lastMessageAt) topic.lastMessageAt = message.date;
  }

  const people = peopleOf(members, senders);
  const groupName = listName ?? listId?.split(".")[0] ?? null;

  return {
    sourceKey: `groupsio:${handle}`,
    title: `Groups.io group ${groupName ?? handle}`,
    people,
    async survey(progress) {
      const problems = [...openingProblems];
      const hashtags = new Set<string>();
      let attachments = 0;
      let writable = 0;
      let done = 0;
      for await (const message of mboxMessages(await source.mbox())) {
        const planned = messages.get(message.index);
        if (!planned) continue;
        const read = await readMessage(message, planned, problems);
        done += 1;
        if (done % PROGRESS_EVERY === 0) progress(done);
        if (!read) continue;
        writable += 1;
        attachments += read.attachments.length;
        for (const tag of read.hashtags) hashtags.add(tag);
      }
      progress(done);
      return {
        counts: {
          topics: topics.size,
          messages: writable,
          members: members.length,
          people: people.length,
          attachments,
          hashtags: hashtags.size,
          digestsSkipped: digests,
        },
        problems,
        total: writable,
      };
    },
    async write(target, progress) {
      await writeArchive(target, progress, {
        handle,
        groupName: groupName && groupName.length >= 3 ? groupName.slice(0, 120) : handle,
        members,
        messages,
        topics,
        mbox: source.mbox,
      });
    },
    async close() {
      source.close();
    },
  };
}

/** An id for a message without a Message-ID: its bytes' hash, the same in every run. */
const syntheticId = (message: MboxMessage) =>
  `no-message-id:${createHash("sha256").update(message.raw).digest("hex").slice(0, 32)}`;

const topicSubject = (subject: string) => {
  const clean = cleanSubject(subject);
  return clean.length > MAX_SUBJECT_CHARS ? `${clean.slice(0, MAX_SUBJECT_CHARS - 1)}…` : clean;
};

/** Everyone the archive names: the member list's people and every sender, once per address. */
function peopleOf(members: ExportMember[], senders: Map<string, string>): ExportPerson[] {
  const people = new Map<string, ExportPerson>();
  const add = (address: string, name: string | null) => {
    const seen = people.get(address);
    if (seen) {
      if (seen.name === address && name) seen.name = name;
      return;
    }
    people.set(address, {
      externalId: address,
      email: address,
      name: name || address,
      // Groups.io's own mail (its notices, the group's +owner address) is nobody's.
      isBot: /@groups\.io$/i.test(address),
    });
  };
  for (const member of members) add(member.email, member.name);
  for (const [address, name] of senders) add(address, name);
  return [...people.values()];
}

type ReadMessage = {
  body: string;
  hashtags: string[];
  attachments: { name: string; contentType: string; content: Buffer }[];
};

/** A message's text, hashtags and files; null (and a problem said) when it cannot be read as mail. */
async function readMessage(
  message: MboxMessage,
  planned: KeptMessage,
  problems: ImportProblem[] | null,
): Promise<ReadMessage | null> {
  let mail: Awaited<ReturnType<typeof parseMail>>;
  try {
    mail = await parseMail(message.raw);
  } catch {
    problems?.push({
      item: described(planned.subject, planned.date),
      reason: "The message cannot be read as e-mail: it is left out.",
    });
    return null;
  }
  const { text, shortened } = messageText(mail);
  if (shortened)
    problems?.push({
      item: described(planned.subject, planned.date),
      reason: "The message is longer than a message may be: its text is shortened.",
    });
  const attachments = mail.attachments.map((attachment, position) => ({
    name: attachmentName(attachment.filename, attachment.contentType, position + 1),
    contentType: attachment.contentType || "application/octet-stream",
    content: attachment.content,
  }));
  const body = text || (attachments.length > 0 ? "" : EMPTY_BODY);
  return { body, hashtags: hashtagsOf(`${cleanSubject(planned.subject)}\n${body}`), attachments };
}

type Plan = {
  handle: string;
  groupName: string;
  members: ExportMember[];
  messages: Map<number, KeptMessage>;
  topics: Map<string, TopicPlan>;
  mbox: () => Promise<Readable>;
};

async function writeArchive(
  target: WriteContext,
  progress: (done: number) => void,
  plan: Plan,
): Promise<void> {
  const { ctx } = target;
  const group = await groupForImport(ctx, plan.handle, plan.groupName);
  const formerMember = target.authorOf(undefined);
  const members: ImportedGroupMember[] = plan.members.flatMap((member) => {
    const userId = target.authorOf(member.email);
    // People the import leaves out write as the shared former-member account, which joins nothing.
    return userId === formerMember
      ? []
      : [{ userId, role: member.role, delivery: member.delivery, joinedAt: member.joinedAt }];
  });
  await writeImportedMembers(ctx, group.id, members);

  const messageId = (message: KeptMessage) => target.idOf(message.key, message.date);
  const topicIds = new Map<string, string>();
  const topicId = (key: string) => {
    let id = topicIds.get(key);
    if (!id) {
      const topic = plan.topics.get(key);
      id = target.idOf(`topic:${key}`, topic?.createdAt ?? new Date(0));
      topicIds.set(key, id);
    }
    return id;
  };
  const present = await importedMessagesOf(
    ctx,
    group.id,
    [...plan.messages.values()].map((message) => ({
      id: messageId(message),
      emailMessageId: message.emailMessageId,
    })),
  );

  const written = new Set<string>();
  let topics: (ImportedTopic & { key: string })[] = [];
  let batch: (ImportedMessage & { key: string; withoutMessageId: boolean })[] = [];
  let batchChars = 0;
  let done = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const [writing, opening] = [batch, topics];
    batch = [];
    topics = [];
    batchChars = 0;
    await writeImportedMessages(ctx, group.id, { topics: opening, messages: writing });
    await target.remember([
      ...opening.map((topic) => ({
        kind: "group_topic",
        externalId: `topic:${topic.key}`,
        itemId: topic.id,
      })),
      // Messages remember their mail by its Message-ID; one without says here where it came from.
      ...writing
        .filter((message) => message.withoutMessageId)
        .map((message) => ({ kind: "group_message", externalId: message.key, itemId: message.id })),
    ]);
    done += writing.length;
    progress(done);
  };

  for await (const message of mboxMessages(await plan.mbox())) {
    const planned = plan.messages.get(message.index);
    if (!planned) continue;
    const id = messageId(planned);
    if (present.has(id)) {
      done += 1;
      if (done % PROGRESS_EVERY === 0) progress(done);
      continue;
    }
    const read = await readMessage(message, planned, null);
    if (!read) continue;
    const fileIds: string[] = [];
    for (const [position, attachment] of read.attachments.entries()) {
      const file: ExportFile = {
        externalId: `${planned.key}/attachment/${position + 1}`,
        name: attachment.name,
        contentType: attachment.contentType,
        open: async () => Readable.from([attachment.content]),
      };
      const stored = await target.storeFile(file, planned.date);
      if (stored) fileIds.push(stored);
    }
    if (!written.has(planned.topicKey)) {
      written.add(planned.topicKey);
      const topic = plan.topics.get(planned.topicKey);
      if (topic)
        topics.push({
          key: planned.topicKey,
          id: topicId(planned.topicKey),
          subject: topic.subject,
          authorId: target.authorOf(topic.from),
          createdAt: topic.createdAt,
          lastMessageAt: topic.lastMessageAt,
        });
    }
    batch.push({
      key: planned.key,
      withoutMessageId: planned.emailMessageId === null,
      id,
      topicId: topicId(planned.topicKey),
      authorId: target.authorOf(planned.from),
      body: read.body,
      createdAt: planned.date,
      emailMessageId: planned.emailMessageId,
      hashtags: read.hashtags,
      fileIds,
    });
    batchChars += read.body.length;
    if (batch.length >= MESSAGE_BATCH || batchChars >= BATCH_TEXT_CHARS) await flush();
  }
  await flush();
  progress(done);
}
