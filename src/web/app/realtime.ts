import { useEffect, useRef, useSyncExternalStore } from "react";
import type { ActivityState, EventDefinition, EventPayload } from "../../shared/events.js";
import { queryClient } from "./query-client.js";

/** An event the server stored: it may not be lost, and arrives in id order. */
export type RealtimeEvent<Payload = unknown> = { id: number; topic: string; payload: Payload; at: string };
export type TypingSignal = { channelId: string; userId: string; name: string };
/** Someone else doing something on an item this tab watches (`scope` is `<name>:<id>`). */
export type ActivitySignal = { scope: string; userId: string; name: string; state: ActivityState };
export type PresenceSignal = { userId: string; online: boolean };
/** `resumed`: the socket picked up after a known event id, so nothing was missed in between. */
export type HelloSignal = { online: string[]; resumed: boolean };

type Signals = {
  event: RealtimeEvent;
  typing: TypingSignal;
  presence: PresenceSignal;
  hello: HelloSignal;
  reset: undefined;
  activity: ActivitySignal;
};
type SignalName = keyof Signals;
type Listener<Name extends SignalName> = (signal: Signals[Name]) => void;

export type ConnectionState = "offline" | "connecting" | "connected" | "reconnecting";

type Frame =
  | ({ type: "event" } & RealtimeEvent)
  | { type: "hello"; lastEventId: number; online: string[] }
  | { type: "reset" }
  | ({ type: "typing" } & TypingSignal)
  | ({ type: "activity" } & ActivitySignal)
  | { type: "presence"; changes: PresenceSignal[] };

type ClientFrame =
  | { type: "typing"; channelId: string }
  | { type: "watch" | "unwatch"; scope: string }
  | { type: "activity"; scope: string; state: ActivityState };

const LAST_EVENT_KEY = "convene.lastEventId";
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10_000;

function storedLastEventId(): number {
  const stored = Number(sessionStorage.getItem(LAST_EVENT_KEY));
  return Number.isSafeInteger(stored) && stored > 0 ? stored : 0;
}

/**
 * The tab's one WebSocket to `/api/ws`. It remembers the highest event id seen (surviving a reload
 * through sessionStorage), resumes after it on every reconnect, and drops events it already has, so
 * listeners see each stored event once and in order.
 */
class RealtimeClient {
  private socket: WebSocket | null = null;
  private wanted = false;
  private retryDelay = FIRST_RETRY_MS;
  private retryTimer: number | undefined;
  /** Read from sessionStorage when the connection first starts: importing this module touches no storage. */
  private lastEventId = 0;
  /** After a reset the server's numbering is the truth, even when it is lower than ours. */
  private resetPending = false;
  private connectedOnce = false;
  private state: ConnectionState = "offline";
  private readonly stateListeners = new Set<() => void>();
  /** The scopes this tab's pages watch, with how many of them watch each; sent again on every connection. */
  private readonly watched = new Map<string, number>();
  private readonly listeners: { [Name in SignalName]: Set<Listener<Name>> } = {
    event: new Set(),
    typing: new Set(),
    presence: new Set(),
    hello: new Set(),
    reset: new Set(),
    activity: new Set(),
  };

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.lastEventId = Math.max(this.lastEventId, storedLastEventId());
    window.addEventListener("online", this.reconnectNow);
    this.open();
  }

  stop(): void {
    this.wanted = false;
    window.removeEventListener("online", this.reconnectNow);
    window.clearTimeout(this.retryTimer);
    this.socket?.close(1000, "signed out");
    this.socket = null;
    this.connectedOnce = false;
    this.setState("offline");
  }

  on<Name extends SignalName>(name: Name, listener: Listener<Name>): () => void {
    this.listeners[name].add(listener);
    return () => this.listeners[name].delete(listener);
  }

  /** Sends a frame when connected; typing and activity notices are worthless later, so nothing is queued. */
  send(frame: ClientFrame): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Asks to hear what others do on an item (the server decides who may); returns the way to stop. */
  watch(scope: string): () => void {
    const count = this.watched.get(scope) ?? 0;
    this.watched.set(scope, count + 1);
    if (count === 0) this.send({ type: "watch", scope });
    return () => {
      const left = (this.watched.get(scope) ?? 1) - 1;
      if (left > 0) {
        this.watched.set(scope, left);
        return;
      }
      this.watched.delete(scope);
      this.send({ type: "unwatch", scope });
    };
  }

  readonly subscribeState = (listener: () => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  readonly getState = () => this.state;

  private readonly reconnectNow = () => {
    if (!this.wanted || this.socket) return;
    window.clearTimeout(this.retryTimer);
    this.retryDelay = FIRST_RETRY_MS;
    this.open();
  };

  private open(): void {
    this.setState(this.connectedOnce ? "reconnecting" : "connecting");
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const after = this.lastEventId > 0 ? `?after=${this.lastEventId}` : "";
    const socket = new WebSocket(`${scheme}//${window.location.host}/api/ws${after}`);
    const resumed = this.lastEventId > 0;
    this.socket = socket;
    socket.onmessage = (message) => {
      if (this.socket === socket && typeof message.data === "string") this.receive(message.data, resumed);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.wanted) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.setState(this.connectedOnce ? "reconnecting" : "connecting");
    this.retryTimer = window.setTimeout(() => this.open(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, LAST_RETRY_MS);
  }

  private receive(data: string, resumed: boolean): void {
    let frame: Frame;
    try {
      frame = JSON.parse(data) as Frame;
    } catch {
      return;
    }
    switch (frame.type) {
      case "event":
        if (frame.id <= this.lastEventId) return;
        this.remember(frame.id);
        this.emit("event", { id: frame.id, topic: frame.topic, payload: frame.payload, at: frame.at });
        return;
      case "hello":
        // A new connection knows nothing of this tab's watches.
        for (const scope of this.watched.keys()) this.send({ type: "watch", scope });
        this.remember(this.resetPending ? frame.lastEventId : Math.max(this.lastEventId, frame.lastEventId));
        this.resetPending = false;
        this.retryDelay = FIRST_RETRY_MS;
        this.connectedOnce = true;
        this.setState("connected");
        this.emit("hello", { online: frame.online, resumed });
        return;
      case "reset":
        // The gap is older than the server keeps events: everything on screen is reloaded instead.
        this.resetPending = true;
        this.emit("reset", undefined);
        void queryClient.invalidateQueries();
        return;
      case "typing":
        this.emit("typing", { channelId: frame.channelId, userId: frame.userId, name: frame.name });
        return;
      case "activity":
        this.emit("activity", {
          scope: frame.scope,
          userId: frame.userId,
          name: frame.name,
          state: frame.state,
        });
        return;
      case "presence":
        // The server batches changes: one frame a second at most, however many people came and went.
        for (const change of frame.changes) this.emit("presence", change);
        return;
    }
  }

  private remember(eventId: number): void {
    this.lastEventId = eventId;
    sessionStorage.setItem(LAST_EVENT_KEY, String(eventId));
  }

  private emit<Name extends SignalName>(name: Name, signal: Signals[Name]): void {
    for (const listener of this.listeners[name]) {
      try {
        listener(signal);
      } catch (error) {
        // One broken listener must not stop the others, nor the stream.
        console.error(error);
      }
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener();
  }
}

export const realtime = new RealtimeClient();

/** Holds the tab's connection open while someone is signed in. */
export function useRealtimeConnection(signedIn: boolean): void {
  useEffect(() => {
    if (!signedIn) return;
    realtime.start();
    return () => realtime.stop();
  }, [signedIn]);
}

// A page rendered on the server has no connection yet: it is opening one.
const beforeConnecting = (): ConnectionState => "connecting";

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(realtime.subscribeState, realtime.getState, beforeConnecting);
}

/** Calls `handler` for every signal of that kind; the latest handler is used without resubscribing. */
export function useRealtimeSignal<Name extends SignalName>(name: Name, handler: Listener<Name>): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => realtime.on(name, (signal) => latest.current(signal)), [name]);
}

/** Whether a stored event is one of the kind `definition` declares, its payload then typed as declared. */
export function isEvent<Payload extends EventPayload>(
  event: RealtimeEvent,
  definition: EventDefinition<Payload>,
): event is RealtimeEvent<Payload> {
  return event.topic === definition.topic;
}

/** Calls `handler` with the payload of every stored event of the kind `definition` declares. */
export function useRealtimeEvent<Payload extends EventPayload>(
  definition: EventDefinition<Payload>,
  handler: (payload: Payload, event: RealtimeEvent<Payload>) => void,
): void {
  useRealtimeSignal("event", (event) => {
    if (isEvent(event, definition)) handler(event.payload, event);
  });
}
