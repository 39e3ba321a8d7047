import { dateFormat } from "../../app/format.js";
import type { Channel } from "./api.js";

/** How a channel is named in lists and headers: `#general`, or the people in a conversation. */
export const channelLabel = (channel: Pick<Channel, "kind" | "name">) =>
  channel.kind === "dm" ? channel.name : `#${channel.name}`;

export const formatTime = (iso: string) => dateFormat({ timeStyle: "short" }).format(new Date(iso));

const dayKey = (date: Date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
export const sameDay = (a: string, b: string) => dayKey(new Date(a)) === dayKey(new Date(b));

export function formatDay(iso: string): string {
  const date = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(date) === dayKey(today)) return "Today";
  if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
  return dateFormat({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(date);
}
