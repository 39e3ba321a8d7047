import type { PersonView } from "../accounts/index.js";
import type { ChannelKind, channels, messages } from "./schema.js";

export type MessageView = {
  id: string;
  seq: number;
  channelId: string;
  clientId: string;
  author: PersonView;
  body: string;
  bodyHtml: string;
  threadRootId: string | null;
  alsoToChannel: boolean;
  replyCount: number;
  lastReplyAt: string | null;
  editedAt: string | null;
  deleted: boolean;
  pinned: boolean;
  reactions: { emoji: string; userIds: string[] }[];
  attachments: {
    id: string;
    filename: string;
    contentType: string;
    size: number;
    url: string;
    isImage: boolean;
  }[];
  mentions: string[];
  supportLike: boolean;
  ticketId: string | null;
  createdAt: string;
};

export type ChannelView = {
  id: string;
  slug: string | null;
  name: string;
  kind: ChannelKind;
  topic: string;
  description: string;
  isAnnouncements: boolean;
  archived: boolean;
  isMember: boolean;
  canPost: boolean;
  /** May rename, describe and archive it: staff, or its creator (never for #announcements). */
  canManage: boolean;
  unread: number;
  mentions: number;
  lastReadSeq: number;
  lastMessageSeq: number;
  members: PersonView[];
};

export const unknownPerson = (id: string): PersonView => ({
  id,
  name: "Former member",
  isStaff: false,
  organisation: { id: "", name: "" },
});

type ChannelRow = typeof channels.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** The channel as anyone may see it in an event; personal fields are filled in by listChannels. */
export function presentChannel(row: ChannelRow, personal?: Partial<ChannelView>): ChannelView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind,
    topic: row.topic,
    description: row.description,
    isAnnouncements: row.isAnnouncements,
    archived: row.archivedAt !== null,
    isMember: false,
    canPost: false,
    canManage: false,
    unread: 0,
    mentions: 0,
    lastReadSeq: 0,
    lastMessageSeq: 0,
    members: [],
    ...personal,
  };
}
