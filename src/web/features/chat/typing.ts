import { useEffect, useRef, useState } from "react";
import { messageCreated } from "../../../server/modules/chat/contracts/messages.js";
import { realtime, useRealtimeEvent, useRealtimeSignal } from "../../app/realtime.js";

const TYPING_SEND_INTERVAL_MS = 3_000;
/** A typist who sent nothing for this long has stopped (they send every 3 s while typing). */
const TYPING_EXPIRY_MS = 6_000;

type Typist = { userId: string; name: string; until: number };

/** The names of the people typing in a channel right now. */
export function useTypingNames(channelId: string): string[] {
  const [typists, setTypists] = useState<Typist[]>([]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another channel starts with nobody typing.
  useEffect(() => setTypists([]), [channelId]);

  useRealtimeSignal("typing", (signal) => {
    if (signal.channelId !== channelId) return;
    const until = Date.now() + TYPING_EXPIRY_MS;
    setTypists((current) => [
      ...current.filter((typist) => typist.userId !== signal.userId),
      { userId: signal.userId, name: signal.name, until },
    ]);
  });

  // Someone whose message arrived has finished typing it.
  useRealtimeEvent(messageCreated, ({ message }) => {
    if (message.channelId === channelId) {
      setTypists((current) => current.filter((typist) => typist.userId !== message.author.id));
    }
  });

  useEffect(() => {
    if (typists.length === 0) return;
    const next = Math.min(...typists.map((typist) => typist.until));
    const timer = window.setTimeout(
      () => setTypists((current) => current.filter((typist) => typist.until > Date.now())),
      Math.max(0, next - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [typists]);

  return typists.map((typist) => typist.name);
}

export function describeTypists(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}

/** Tells the channel this person is typing, at most every 3 seconds. */
export function useTypingNotice(channelId: string): () => void {
  const lastSent = useRef({ channelId, at: 0 });
  return () => {
    const now = Date.now();
    if (lastSent.current.channelId === channelId && now - lastSent.current.at < TYPING_SEND_INTERVAL_MS)
      return;
    lastSent.current = { channelId, at: now };
    realtime.send({ type: "typing", channelId });
  };
}
