import {
  IconBriefcase,
  IconBulb,
  IconFileText,
  IconFlask,
  IconHash,
  IconHelpCircle,
  IconMail,
  IconMessage,
  IconMessageCircle,
  IconMessages,
  IconNote,
  IconPaperclip,
  IconRocket,
  IconTicket,
  IconUser,
  IconUserHeart,
  IconUsersGroup,
  type TablerIcon,
} from "@tabler/icons-react";
import { type SearchKind, searchKindLabels } from "../../../shared/search-query.js";

/** How each kind of hit is marked, in the palette and on the results page alike. */
export const searchKindIcons: Record<SearchKind, TablerIcon> = {
  message: IconMessage,
  ticket: IconTicket,
  post: IconNote,
  comment: IconMessageCircle,
  document: IconFileText,
  file: IconPaperclip,
  topic: IconMessages,
  group_message: IconMail,
  release: IconRocket,
  article: IconHelpCircle,
  study: IconFlask,
  volunteer: IconUserHeart,
  person: IconUser,
  channel: IconHash,
  group: IconUsersGroup,
  project: IconBriefcase,
  idea: IconBulb,
};

/** "More project posts": the entry that shows every hit of one kind. */
export const moreOfKind = (kind: SearchKind) => `More ${searchKindLabels[kind].toLowerCase()}`;

/** The results page's address for a query, narrowed to one kind or not. */
export function searchPagePath(q: string, kind?: SearchKind): string {
  const params = new URLSearchParams({ q });
  if (kind) params.set("kind", kind);
  return `/search?${params}`;
}
