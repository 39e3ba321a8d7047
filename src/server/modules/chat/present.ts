import type { Channel, Person } from "./contracts/channels.js";
import type { channels, messages } from "./schema.js";

export const unknownPerson = (id: string): Person => ({
  id,
  name: "Former member",
  isStaff: false,
  organisation: { id: "", name: "" },
});

type ChannelRow = typeof channels.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** The channel as anyone may see it in an event; personal fields are filled in by listChannels. */
export function presentChannel(row: ChannelRow, personal?: Partial<Channel>): Channel {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind,
    topic: row.topic,
    description: row.description,
    isAnnouncements: row.isAnnouncements,
    archived: row.archivedAt !== null,
    newcomersJoin: row.newcomersJoin,
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
