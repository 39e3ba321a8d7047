import WebSocket from "ws";

export type Frame = {
  type: string;
  id?: number;
  topic?: string;
  payload?: Record<string, unknown>;
  [key: string]: unknown;
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
  const client = {
    socket,
    frames,
    get lastEventId() {
      return lastEventId;
    },
    events: (topic?: string) => frames.filter((f) => f.type === "event" && (!topic || f.topic === topic)),
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
