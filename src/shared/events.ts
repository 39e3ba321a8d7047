/**
 * The one declaration of a kind of live event, shared by the server (which publishes it) and the web
 * (which listens for it).
 *
 * A module declares each of its events once, in its contracts (`contracts/<resource>.ts`):
 * `export const ticketChanged = defineEvent<{ ticketId: string }>("desk.ticket")`. The server publishes
 * it with `publishEvent(ctx, ticketChanged, audience, payload)`, the payload checked against the type,
 * and the web listens with `useRealtimeEvent(ticketChanged, (payload) => …)`, the payload typed the same
 * way. A definition is plain data (the payload is a type only), so it reaches the web bundle as it is
 * while the contract files' zod schemas stay out of it (vite.config.ts), and no topic is ever written
 * as a bare string (src/server/events.test.ts).
 */

/** What an event may carry: JSON, as the events table stores it. */
export type EventPayload = Record<string, unknown>;

declare const payloadType: unique symbol;

/** A kind of stored event: its topic on the wire and, as a type only, its payload. */
export type EventDefinition<Payload extends EventPayload = EventPayload> = {
  readonly kind: "event";
  readonly topic: string;
  /** Never set: it carries the payload's type from the declaration to the publisher and the listeners. */
  readonly [payloadType]?: Payload;
};

/** The payload an event carries. */
export type PayloadOf<Event> = Event extends EventDefinition<infer Payload> ? Payload : never;

/** Declares one kind of event; the result is the value both sides import. */
export function defineEvent<Payload extends EventPayload>(topic: string): EventDefinition<Payload> {
  return { kind: "event", topic };
}

export function isEventDefinition(value: unknown): value is EventDefinition {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "event" &&
    typeof (value as { topic?: unknown }).topic === "string"
  );
}

/**
 * Something several people can be doing at once on one item, told to the others who have it open
 * ("Ana is editing"): never stored, sent only to people the module lets watch that item. Declared in
 * the module's contracts like an event; on the wire it names one item as `<name>:<id>`.
 */
export type ActivityScope = { readonly kind: "activity"; readonly name: string };

export function defineActivityScope(name: string): ActivityScope {
  return { kind: "activity", name };
}

/** The scope of one item, as the client and the gateway name it. */
export const activityScopeKey = (scope: ActivityScope, itemId: string): string => `${scope.name}:${itemId}`;

/** What a person does in a scope: `active` while doing it (sent again now and then), `stopped` after. */
export type ActivityState = "active" | "stopped";
