import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import type { EventDefinition, EventPayload } from "../../shared/events.js";
import { isEvent, useRealtimeSignal } from "./realtime.js";

/**
 * What an event makes stale: a query key (the query and every query under it), or one query alone
 * (`exact`), for a list whose key is also the start of its items' keys.
 */
export type StaleQuery = QueryKey | { queryKey: QueryKey; exact: true };

/** One line of a feature's live map: the event, and the queries it makes stale. */
export interface LiveRule<Payload extends EventPayload = EventPayload> {
  readonly event: EventDefinition<Payload>;
  // A method, so a map holds the rules of events with different payloads side by side.
  stale(payload: Payload): readonly StaleQuery[];
}

/** A line of a live map: `whenEvent(ticketChanged, ({ ticketId }) => [deskKeys.ticket(ticketId)])`. */
export function whenEvent<Payload extends EventPayload>(
  event: EventDefinition<Payload>,
  stale: (payload: Payload) => readonly StaleQuery[],
): LiveRule<Payload> {
  return { event, stale };
}

/**
 * Keeps a page's queries in step with the server: every event of the map makes the queries it names
 * stale, and those on screen are fetched again. Events carry ids, not content, so what shows is always
 * the server's answer for this person (a staff-only item never reaches a customer's page this way).
 * Each feature declares its map once beside its query keys; its pages (or their frame) call this.
 */
export function useLiveQueries(rules: readonly LiveRule[]): void {
  const queryClient = useQueryClient();
  useRealtimeSignal("event", (event) => {
    for (const rule of rules) {
      if (!isEvent(event, rule.event)) continue;
      for (const stale of rule.stale(event.payload)) {
        void queryClient.invalidateQueries(
          "exact" in stale ? { queryKey: stale.queryKey, exact: true } : { queryKey: stale },
        );
      }
    }
  });
}
