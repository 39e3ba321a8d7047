import {
  IconHash,
  IconLock,
  IconMessageCircle,
  IconMoodSmile,
  IconPaperclip,
  IconPin,
  IconSpeakerphone,
  IconUsers,
  type TablerIcon,
} from "@tabler/icons-react";
import type { Channel } from "./api.js";

/** The chat's recurring icons, so a pin or an attachment looks the same wherever it shows. */
export const chatIcons = {
  pinned: IconPin,
  attachment: IconPaperclip,
  members: IconUsers,
  reply: IconMessageCircle,
  react: IconMoodSmile,
} as const;

/** What kind of channel it is, in the list and the header alike. */
export function channelKindIcon(channel: Pick<Channel, "isAnnouncements" | "kind">): TablerIcon {
  if (channel.isAnnouncements) return IconSpeakerphone;
  if (channel.kind === "private") return IconLock;
  if (channel.kind === "dm") return IconUsers;
  return IconHash;
}
