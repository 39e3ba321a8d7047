import { useEffect, useState } from "react";
import { type ActivityScope, activityScopeKey } from "../../shared/events.js";
import { realtime, useRealtimeSignal } from "./realtime.js";

/** While active, the signal goes again this often, so a page opened later learns of it soon. */
const REPEAT_MS = 10_000;
/** Someone not heard of for this long has stopped (their tab closed, their connection dropped). */
const EXPIRY_MS = 25_000;

type Doer = { userId: string; name: string; until: number };

/**
 * Who else is doing something on one item right now ("Ana is editing"), and, while `active`, telling
 * them this person is. Nothing is stored: the server passes it on to the others watching the item, and
 * only to people its module lets read the item.
 */
export function useActivity(scope: ActivityScope, itemId: string, active: boolean): string[] {
  const key = activityScopeKey(scope, itemId);
  const [doers, setDoers] = useState<Doer[]>([]);

  useEffect(() => {
    setDoers([]);
    return realtime.watch(key);
  }, [key]);

  useEffect(() => {
    if (!active) return;
    const tell = () => realtime.send({ type: "activity", scope: key, state: "active" });
    tell();
    const timer = window.setInterval(tell, REPEAT_MS);
    return () => {
      window.clearInterval(timer);
      realtime.send({ type: "activity", scope: key, state: "stopped" });
    };
  }, [key, active]);

  // A new connection has forgotten everything: the watch goes again by itself, and so does this.
  useRealtimeSignal("hello", () => {
    if (active) realtime.send({ type: "activity", scope: key, state: "active" });
  });

  useRealtimeSignal("activity", (signal) => {
    if (signal.scope !== key) return;
    setDoers((current) => [
      ...current.filter((doer) => doer.userId !== signal.userId),
      ...(signal.state === "active"
        ? [{ userId: signal.userId, name: signal.name, until: Date.now() + EXPIRY_MS }]
        : []),
    ]);
  });

  useEffect(() => {
    if (doers.length === 0) return;
    const next = Math.min(...doers.map((doer) => doer.until));
    const timer = window.setTimeout(
      () => setDoers((current) => current.filter((doer) => doer.until > Date.now())),
      Math.max(0, next - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [doers]);

  return doers.map((doer) => doer.name);
}

/** "Ana is editing", "Ana and Ben are editing", "3 people are editing". */
export function describeDoers(names: string[], doing: string): string {
  if (names.length === 1) return `${names[0]} is ${doing}`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are ${doing}`;
  return `${names.length} people are ${doing}`;
}
