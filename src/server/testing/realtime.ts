import WebSocket from "ws";
import {
  type ActivityScope,
  type ActivityState,
  activityScopeKey,
  type EventDefinition,
  type EventPayload,
} from "../../shared/events.js";

export type Frame = {
  type: string;
  id?: number;
  topic?: string;
  payload?: Record<string, unknown>;
  [key: string]: unknown;
};

/** A stored event's frame, its payload typed by the event's declaration. */
export type EventFrame<Payload extends EventPayload> = Frame & {
  type: "event";
  id: number;
  payload: Payload;
};

/**
 * A real WebSocket client of /api/ws for tests and benchmarks: it keeps every frame, remembers the
 * last event id and can wait for a frame matching a predicate.
 */
export async function connectRealtime(options: {
  baseUrl: string;
  cookie: string;
  after?: number;
  origin?: string;
}) {
  const url = new URL("/api/ws", options.baseUrl.replace(/^http/, "ws"));
  if (options.after !== undefined) url.searchParams.set("after", String(options.after));
  const socket = new WebSocket(url, {
    headers: { cookie: options.cookie, origin: options.origin ?? options.baseUrl },
  });
  const frames: Frame[] = [];
  let lastEventId = options.after ?? 0;
  const waiters = new Set<() => void>();
  socket.on("message", (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    if (frame.type === "event" && typeof frame.id === "number") lastEventId = Math.max(lastEventId, frame.id);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`handshake refused: ${response.statusCode}`)),
    );
  });
  const client: {
    socket: WebSocket;
    frames: Frame[];
    readonly lastEventId: number;
    events<Payload extends EventPayload>(definition?: EventDefinition<Payload>): EventFrame<Payload>[];
    waitForEvent<Payload extends EventPayload>(
      definition: EventDefinition<Payload>,
      match?: (payload: Payload) => boolean,
      timeoutMs?: number,
    ): Promise<EventFrame<Payload>>;
    watch(scope: ActivityScope, itemId: string): Promise<boolean>;
    tellActivity(scope: ActivityScope, itemId: string, state: ActivityState): void;
    activity(scope: ActivityScope, itemId: string): Frame[];
    waitFor(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
    send(frame: object): void;
    close(): Promise<void>;
  } = {
    socket,
    frames,
    get lastEventId() {
      return lastEventId;
    },
    /** Every stored event received, or those of one kind. */
    events<Payload extends EventPayload>(definition?: EventDefinition<Payload>): EventFrame<Payload>[] {
      return frames.filter(
        (f): f is EventFrame<Payload> => f.type === "event" && (!definition || f.topic === definition.topic),
      );
    },
    /** The first event of this kind (whose payload matches), waiting for it if need be. */
    async waitForEvent<Payload extends EventPayload>(
      definition: EventDefinition<Payload>,
      match: (payload: Payload) => boolean = () => true,
      timeoutMs = 5000,
    ): Promise<EventFrame<Payload>> {
      const frame = await client.waitFor(
        (f) => f.type === "event" && f.topic === definition.topic && match(f.payload as Payload),
        timeoutMs,
      );
      return frame as EventFrame<Payload>;
    },
    /** Asks to watch an item's activity; answers whether the server allowed it. */
    async watch(scope: ActivityScope, itemId: string): Promise<boolean> {
      const key = activityScopeKey(scope, itemId);
      const asked = frames.length;
      socket.send(JSON.stringify({ type: "watch", scope: key }));
      const answer = await client.waitFor(
        (f) => f.type === "watch" && f.scope === key && frames.indexOf(f) >= asked,
      );
      return answer.allowed === true;
    },
    /** Tells the others watching an item what this person does on it. */
    tellActivity(scope: ActivityScope, itemId: string, state: ActivityState): void {
      socket.send(JSON.stringify({ type: "activity", scope: activityScopeKey(scope, itemId), state }));
    },
    /** Activity signals received about one item. */
    activity(scope: ActivityScope, itemId: string): Frame[] {
      return frames.filter((f) => f.type === "activity" && f.scope === activityScopeKey(scope, itemId));
    },
    async waitFor(match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(match);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`No matching frame within ${timeoutMs} ms; got ${frames.length} frames`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
          setTimeout(wake, Math.min(left, 100));
        });
      }
    },
    send: (frame: object) => socket.send(JSON.stringify(frame)),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once("close", () => resolve());
        socket.close();
      }),
  };
  await client.waitFor((f) => f.type === "hello");
  return client;
}

export type RealtimeClient = Awaited<ReturnType<typeof connectRealtime>>;
