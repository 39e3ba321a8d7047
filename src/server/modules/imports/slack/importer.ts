/**
 * Slack's workspace export (Settings → Import/Export Data → Export): a zip of `users.json`,
 * `channels.json` (public channels), `groups.json` (private ones), `dms.json` and `mpims.json`
 * (direct and group messages) where the export includes them, and one folder per conversation (a
 * channel's name, or a DM's id) of `YYYY-MM-DD.json` files, each the array of that day's messages.
 * Files are in `__uploads/<file id>/<name>` when the export carries them; otherwise messages name
 * them, and their text says where they were.
 *
 * A conversation is written in its messages' order, batch by batch, so seq follows Slack's time; a
 * reply's thread is its root's id, made from the root's own `ts`, so no lookup is needed, and a run
 * resumed after a stop skips the conversations it had finished. The database writes one batch while
 * the next few day files are read and the next batch converted (one queue of writes, in order, across
 * conversations), so reading the zip, converting and writing overlap rather than wait on each other.
 */

import { inTransaction } from "../../../platform/context.js";
import { invalid } from "../../../platform/errors.js";
import {
  finishImportedChannel,
  type ImportedMessage,
  importChannel,
  importMessages,
  slugify,
} from "../../chat/index.js";
import type { ExportFile, ExportPerson, OpenedExport, SourceImporter, WriteContext } from "../model.js";
import { openZip, type ZipExport } from "../zip.js";
import { emojiOf, mrkdwnToMarkdown } from "./mrkdwn.js";

type SlackUser = {
  id: string;
  team_id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { email?: string; real_name?: string; display_name?: string };
};
type SlackConversation = {
  id: string;
  name?: string;
  created?: number;
  creator?: string;
  is_archived?: boolean;
  members?: string[];
  topic?: { value?: string };
  purpose?: { value?: string };
  pins?: { id: string; user?: string; created?: number }[];
};
type SlackFile = {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  url_private?: string;
  permalink?: string;
  mode?: string;
};
type SlackMessage = {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  bot_profile?: { name?: string };
  text?: string;
  ts: string;
  thread_ts?: string;
  reactions?: { name: string; users?: string[] }[];
  edited?: { user?: string; ts?: string };
  files?: SlackFile[];
  pinned_to?: string[];
};

type Conversation = {
  id: string;
  folder: string;
  kind: "public" | "private" | "dm";
  name: string;
  slug: string | null;
  members: string[];
  topic: string;
  description: string;
  createdBy: string | undefined;
  createdAt: Date;
  archived: boolean;
  isAnnouncements: boolean;
  pins: Map<string, { user: string | undefined; at: Date | null }>;
};

/** Slack's join, leave, topic and pin notices: what happened to the channel, not what was said. */
const NOTICE_SUBTYPES = new Set([
  "channel_join",
  "channel_leave",
  "channel_topic",
  "channel_purpose",
  "channel_name",
  "channel_archive",
  "channel_unarchive",
  "group_join",
  "group_leave",
  "group_topic",
  "group_purpose",
  "group_name",
  "group_archive",
  "group_unarchive",
  "pinned_item",
  "unpinned_item",
  "bot_add",
  "bot_remove",
  "reminder_add",
  "channel_convert_to_private",
  "channel_convert_to_public",
]);

/** Names the product team's release channel goes by; the first found becomes #announcements. */
const ANNOUNCEMENT_NAMES = [
  "announcements",
  "releases",
  "release-announcements",
  "release-notes",
  "product-announcements",
];

/** Conversations in a Convene direct message: more people than that become a private channel. */
const MAX_DM_PEOPLE = 8;
/** Messages a statement writes. */
export const MESSAGE_BATCH = 2000;
/**
 * Day files read ahead of the one being written or surveyed: each is a few reads of the zip, and
 * waiting for them one after the other was a quarter of an import's time (bench/imports.ts).
 */
const READ_AHEAD = 4;
/** Batches converted ahead of the one the database is writing: a batch is a few MB at most. */
const WRITES_AHEAD = 2;

const dateOfTs = (ts: string | number | undefined) => new Date(Math.round(Number(ts ?? 0) * 1000));
const DAY_FILE = /\/(\d{4}-\d{2}-\d{2})\.json$/;

async function readArray<T>(zip: ZipExport, name: string): Promise<T[]> {
  if (!zip.has(name)) return [];
  const value = await zip.json<unknown>(name);
  return Array.isArray(value) ? (value as T[]) : [];
}

export const slackImporter: SourceImporter = {
  source: "slack",
  async open(filePath) {
    const zip = await openZip(filePath, "Slack workspace export");
    try {
      if (!zip.has("users.json") || !zip.has("channels.json")) {
        throw invalid({
          file: "This zip is not a Slack workspace export: it has no users.json and channels.json.",
        });
      }
      return await openedSlackExport(zip);
    } catch (error) {
      zip.close();
      throw error;
    }
  },
};

async function openedSlackExport(zip: ZipExport): Promise<OpenedExport> {
  const users = await readArray<SlackUser>(zip, "users.json");
  const teamId = users.find((user) => user.team_id)?.team_id;
  const sourceKey = `slack:${teamId ?? "workspace"}`;
  const people: ExportPerson[] = users.map((user) => ({
    externalId: user.id,
    email: user.profile?.email?.trim().toLowerCase() || null,
    name: user.real_name || user.profile?.real_name || user.profile?.display_name || user.name || user.id,
    isBot: Boolean(user.is_bot) || user.id === "USLACKBOT",
  }));
  const personById = new Map(people.map((person) => [person.externalId, person]));
  const conversations = await readConversations(zip);
  const channelNames = new Map(conversations.filter((c) => c.slug).map((c) => [c.id, c.slug ?? c.name]));
  const dayFiles = new Map<string, string[]>();
  for (const entry of zip.entries) {
    const match = DAY_FILE.exec(entry.name);
    if (!match) continue;
    const folder = entry.name.slice(0, entry.name.length - match[0].length);
    const files = dayFiles.get(folder);
    if (files) files.push(entry.name);
    else dayFiles.set(folder, [entry.name]);
  }
  for (const files of dayFiles.values()) files.sort();
  const uploads = new Map<string, string>();
  for (const entry of zip.entries) {
    const match = /^__uploads\/([^/]+)\/[^/]+$/.exec(entry.name);
    if (match?.[1]) uploads.set(match[1], entry.name);
  }

  /**
   * Each message of a conversation, in order, as Slack wrote it; a broken day file is named. The
   * next few day files are being read (and parsed) while this one's messages are taken.
   */
  async function* messagesOf(conversation: Conversation): AsyncGenerator<SlackMessage> {
    const files = dayFiles.get(conversation.folder) ?? [];
    const reading: Promise<SlackMessage[]>[] = [];
    let next = 0;
    while (next < files.length || reading.length > 0) {
      while (next < files.length && reading.length < READ_AHEAD) {
        const day = readArray<SlackMessage>(zip, files[next++] ?? "");
        day.catch(() => {}); // said when its turn comes, in order
        reading.push(day);
      }
      const day = await (reading.shift() as Promise<SlackMessage[]>);
      day.sort((a, b) => Number(a.ts) - Number(b.ts));
      for (const message of day) if (message && typeof message.ts === "string") yield message;
    }
  }

  const fileOf = (file: SlackFile): ExportFile => {
    const entry = uploads.get(file.id);
    return {
      externalId: `file:${file.id}`,
      name: file.name || file.title || file.id,
      contentType: file.mimetype || "application/octet-stream",
      ...(entry ? { open: () => zip.stream(entry) } : {}),
      ...(file.url_private || file.permalink ? { url: file.permalink || file.url_private } : {}),
    };
  };

  return {
    sourceKey,
    title: `Slack workspace ${teamId ?? ""}`.trim(),
    people,
    async survey(progress) {
      const counts: Record<string, number> = {
        channels: 0,
        privateChannels: 0,
        directMessages: 0,
        messages: 0,
        threads: 0,
        replies: 0,
        reactions: 0,
        edited: 0,
        pinned: 0,
        mentions: 0,
        filesInExport: 0,
        filesLinked: 0,
        botMessages: 0,
        noticesLeftOut: 0,
      };
      const problems: { item: string; reason: string }[] = [];
      let done = 0;
      for (const conversation of conversations) {
        if (conversation.kind === "dm") counts.directMessages = (counts.directMessages ?? 0) + 1;
        else if (conversation.kind === "private") counts.privateChannels = (counts.privateChannels ?? 0) + 1;
        else counts.channels = (counts.channels ?? 0) + 1;
        if (!dayFiles.has(conversation.folder)) continue;
        const roots = new Set<string>();
        for await (const message of messagesOf(conversation)) {
          const add = (key: string, by = 1) => {
            counts[key] = (counts[key] ?? 0) + by;
          };
          if (message.subtype && NOTICE_SUBTYPES.has(message.subtype)) {
            add("noticesLeftOut");
            continue;
          }
          add("messages");
          done += 1;
          if (done % 5000 === 0) progress(done);
          if (message.subtype === "bot_message" || (!message.user && message.bot_id)) add("botMessages");
          const isReply = message.thread_ts && message.thread_ts !== message.ts;
          if (isReply) {
            add("replies");
            if (!roots.has(message.thread_ts ?? "")) {
              problems.push({
                item: `#${conversation.name} ${dateOfTs(message.ts).toISOString()}`,
                reason:
                  "A reply whose thread's first message is not in the export: it is kept as a message of its own.",
              });
            }
          } else {
            roots.add(message.ts);
            if (message.thread_ts === message.ts) add("threads");
          }
          add(
            "reactions",
            (message.reactions ?? []).reduce((sum, r) => sum + (r.users?.length ?? 0), 0),
          );
          if (message.edited) add("edited");
          if (conversation.pins.has(message.ts) || message.pinned_to?.includes(conversation.id))
            add("pinned");
          add("mentions", (message.text?.match(/<@[A-Z0-9]+/g) ?? []).length);
          for (const file of message.files ?? []) {
            if (uploads.has(file.id)) add("filesInExport");
            else {
              add("filesLinked");
              if (!file.url_private && !file.permalink) {
                problems.push({
                  item: `File ${file.name ?? file.id} in #${conversation.name}`,
                  reason: "Neither in the export nor linked: only its name is kept.",
                });
              }
            }
          }
        }
      }
      progress(done);
      return { counts, problems, total: done };
    },
    async write(target, progress) {
      let done = 0;
      const writes = writeQueue(WRITES_AHEAD);
      const written = (count: number) => {
        done += count;
        progress(done);
      };
      try {
        for (const conversation of conversations) {
          if (target.finished.has(conversation.id)) {
            await writes.add(async () => written(await countMessages(conversation)));
            continue;
          }
          await writeConversation(target, conversation, writes, written);
        }
        await writes.drained();
      } catch (error) {
        await writes.settled();
        throw error;
      }
    },
    async close() {
      zip.close();
    },
  };

  async function countMessages(conversation: Conversation): Promise<number> {
    let count = 0;
    for await (const message of messagesOf(conversation))
      if (!NOTICE_SUBTYPES.has(message.subtype ?? "")) count += 1;
    return count;
  }

  /**
   * A conversation's channel, then its messages batch by batch through `writes`: the database
   * writes one batch (in order, so seq follows Slack's time) while the next is read and converted.
   * Its members, threads and read positions follow its last batch, and it is marked finished after.
   */
  async function writeConversation(
    target: WriteContext,
    conversation: Conversation,
    writes: WriteQueue,
    written: (count: number) => void,
  ): Promise<void> {
    const { ctx } = target;
    const memberIds = conversation.members.map((member) => target.authorOf(member));
    const dmKey = conversation.kind === "dm" ? [...new Set(memberIds)].sort().join(":") : null;
    const channelId = await importChannel(ctx.db, {
      id: target.idOf(`channel:${conversation.id}`, conversation.createdAt),
      slug: conversation.slug,
      name: conversation.kind === "dm" ? "direct message" : conversation.name,
      kind: conversation.kind,
      topic: conversation.topic,
      description: conversation.description,
      dmKey,
      isAnnouncements: conversation.isAnnouncements,
      createdBy: target.authorOf(conversation.createdBy),
      createdAt: conversation.createdAt,
      archivedAt: conversation.archived ? new Date() : null,
    });
    await target.remember([
      { kind: "chat_channel", externalId: `channel:${conversation.id}`, itemId: channelId },
    ]);
    const messageId = (ts: string) => target.idOf(`message:${conversation.id}:${ts}`, dateOfTs(ts));
    /** The ids of the conversation's messages that start a thread (or may), by their ts. */
    const roots = new Map<string, string>();
    let batch: ImportedMessage[] = [];
    const flush = async () => {
      const writing = batch;
      batch = [];
      await writes.add(async () => {
        await inTransaction(ctx, (tx) => importMessages(tx.db, writing));
        written(writing.length);
      });
    };
    for await (const message of messagesOf(conversation)) {
      if (NOTICE_SUBTYPES.has(message.subtype ?? "")) continue;
      const rootId =
        message.thread_ts && message.thread_ts !== message.ts ? roots.get(message.thread_ts) : undefined;
      const isReply = rootId !== undefined;
      const ownId = messageId(message.ts);
      if (!isReply) roots.set(message.ts, ownId);
      const converted = mrkdwnToMarkdown(
        message.text ?? "",
        (id) => {
          const person = personById.get(id);
          return person
            ? { email: person.email ? emailOfAccount(target, person) : null, name: person.name }
            : undefined;
        },
        (id) => channelNames.get(id),
      );
      const fileIds: string[] = [];
      const links: string[] = [];
      for (const file of message.files ?? []) {
        if (file.mode === "tombstone" || file.mode === "hidden_by_limit") continue;
        const exportFile = fileOf(file);
        const stored = await target.storeFile(exportFile, dateOfTs(message.ts));
        if (stored) fileIds.push(stored);
        else
          links.push(exportFile.url ? `📎 [${exportFile.name}](${exportFile.url})` : `📎 ${exportFile.name}`);
      }
      const bot = message.subtype === "bot_message" || (!message.user && message.bot_id);
      const botName = bot ? message.username || message.bot_profile?.name || "A bot" : null;
      let body = converted.markdown;
      if (message.subtype === "me_message") body = `_${body}_`;
      if (botName) body = `**${botName}**: ${body}`;
      if (links.length > 0) body = [body, ...links].filter(Boolean).join("\n");
      if (!body.trim()) body = fileIds.length > 0 ? "" : "_(an empty message)_";
      const pin = conversation.pins.get(message.ts);
      const pinned = pin || message.pinned_to?.includes(conversation.id);
      const createdAt = dateOfTs(message.ts);
      batch.push({
        id: ownId,
        channelId,
        authorId: target.authorOf(bot ? undefined : message.user),
        clientId: `${target.sourceKey}:${conversation.id}:${message.ts}`,
        body,
        threadRootId: rootId ?? null,
        alsoToChannel: isReply && message.subtype === "thread_broadcast",
        createdAt,
        editedAt: message.edited?.ts ? dateOfTs(message.edited.ts) : null,
        pinnedAt: pinned ? (pin?.at ?? createdAt) : null,
        pinnedBy: pinned ? target.authorOf(pin?.user ?? message.user) : null,
        mentionsChannel: converted.mentionsChannel,
        reactions: (message.reactions ?? []).flatMap((reaction) =>
          [...new Set((reaction.users ?? []).map((user) => target.authorOf(user)))].map((userId) => ({
            userId,
            emoji: emojiOf(reaction.name),
          })),
        ),
        mentions: converted.mentioned.map((id) => target.authorOf(id)),
        fileIds,
      });
      if (batch.length >= MESSAGE_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    await writes.add(async () => {
      // One commit rather than three: 200 channels' finishing was seconds of a small export's import.
      await inTransaction(ctx, (tx) =>
        finishImportedChannel(
          tx.db,
          channelId,
          memberIds.filter((id) => id !== target.authorOf(undefined)),
        ),
      );
      await target.markFinished(conversation.id);
    });
  }
}

/** The address a mention shows: the account's, so that the mention is theirs once the text is read. */
function emailOfAccount(target: WriteContext, person: ExportPerson): string | null {
  return target.authorOf(person.externalId) === target.authorOf(undefined) ? null : person.email;
}

async function readConversations(zip: ZipExport): Promise<Conversation[]> {
  const pinsOf = (conversation: SlackConversation) =>
    new Map(
      (conversation.pins ?? []).map((pin) => [
        pin.id,
        { user: pin.user, at: pin.created ? dateOfTs(pin.created) : null },
      ]),
    );
  const channels = (await readArray<SlackConversation>(zip, "channels.json")).filter((c) => c?.id && c.name);
  const announcementsName = ANNOUNCEMENT_NAMES.find((name) => channels.some((c) => c.name === name));
  const named = (list: SlackConversation[], kind: "public" | "private"): Conversation[] =>
    list.map((c) => ({
      id: c.id,
      folder: c.name ?? c.id,
      kind,
      name: slugify(c.name ?? c.id) || c.id.toLowerCase(),
      slug: slugify(c.name ?? c.id) || c.id.toLowerCase(),
      members: c.members ?? [],
      topic: c.topic?.value ?? "",
      description: c.purpose?.value ?? "",
      createdBy: c.creator,
      createdAt: dateOfTs(c.created),
      archived: Boolean(c.is_archived),
      isAnnouncements: kind === "public" && c.name === announcementsName,
      pins: pinsOf(c),
    }));
  const dms = (await readArray<SlackConversation>(zip, "dms.json")).filter((c) => c?.id);
  const mpims = (await readArray<SlackConversation>(zip, "mpims.json")).filter((c) => c?.id);
  const direct = [...dms, ...mpims].map((c): Conversation => {
    const members = c.members ?? [];
    const asChannel = members.length > MAX_DM_PEOPLE;
    const slug = asChannel ? slugify(c.name ?? c.id) || c.id.toLowerCase() : null;
    return {
      id: c.id,
      folder: c.name && mpims.includes(c) ? c.name : c.id,
      kind: asChannel ? "private" : "dm",
      name: slug ?? "direct message",
      slug,
      members,
      topic: "",
      description: "",
      createdBy: c.creator ?? members[0],
      createdAt: dateOfTs(c.created),
      archived: false,
      isAnnouncements: false,
      pins: pinsOf(c),
    };
  });
  return [
    ...named(channels, "public"),
    ...named(
      (await readArray<SlackConversation>(zip, "groups.json")).filter((c) => c?.id && c.name),
      "private",
    ),
    ...direct,
  ];
}

type WriteQueue = ReturnType<typeof writeQueue>;

/**
 * Database work done one piece at a time, in the order it was added, while the caller goes on to
 * prepare the next: `add` waits only while more than `ahead` pieces are waiting or under way. A
 * piece that fails skips the ones after it (so nothing is marked finished that was not written), and
 * the failure is thrown by the next `add` or by `drained`.
 */
function writeQueue(ahead: number) {
  let tail: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];
  return {
    async add(work: () => Promise<void>): Promise<void> {
      tail = tail.then(work);
      tail.catch(() => {}); // thrown to the caller below, or by drained
      pending.push(tail);
      while (pending.length > ahead) await pending.shift();
    },
    drained: () => tail,
    /**
     * After a failure of the caller's own (a broken day file): what was added is written (each piece
     * is whole: a batch, or a finished conversation after its batches), so a resumed run skips it.
     */
    settled: () => tail.catch(() => {}),
  };
}
