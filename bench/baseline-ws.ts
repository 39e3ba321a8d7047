/**
 * The ceiling for bench/chat.ts: a bare `ws` broadcast server with no database, no sessions and no
 * validation. It takes the same HTTP posts and sends each subscriber of the channel a frame of the
 * same shape and size as Convene's `message.created` event, serialised once per message.
 *
 * Given a PostgreSQL URL it is the floor of a persisted chat instead: each post is first inserted,
 * one row in one table with a unique client id (posts that arrive during a write go together in the
 * next one, as Convene's group commit does), and sent once committed. Nothing a real chat could skip.
 *
 *   node --import tsx bench/baseline-ws.ts <port> [<postgres url>]   prints "listening <port>" when ready
 *
 * GET  /ws?channel=<id>&after=<n>   WebSocket; sends { type: "hello" } then every post to <id>
 * POST /post  { channel, clientId, body }   201 with the message
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import pg from "pg";
import { type WebSocket, WebSocketServer } from "ws";
import { messageCreated } from "../src/server/modules/chat/contracts/messages.js";

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const port = Number(process.argv[2] ?? 0);
const databaseUrl = process.argv[3];
const subscribers = new Map<string, Set<WebSocket>>();
let lastEventId = 0;
const author = {
  id: randomUUID(),
  name: "Bench Poster",
  isStaff: false,
  organisation: { id: randomUUID(), name: "Northwind Research Unit" },
};

type Post = { channel: string; clientId: string; body: string };

/** The posts' rows, written together in one INSERT; resolves with each one's id and time, in order. */
function persister(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const ready = pool.query(
    `create table if not exists bench_floor_messages (
       id uuid primary key, channel text not null, client_id text not null unique,
       body text not null, created_at timestamptz not null default now())`,
  );
  let waiting: {
    post: Post;
    done: (row: { id: string; createdAt: string }) => void;
    fail: (e: unknown) => void;
  }[] = [];
  let writing = false;
  async function drain() {
    writing = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      try {
        await ready;
        const values = group.flatMap(({ post }) => [randomUUID(), post.channel, post.clientId, post.body]);
        const placeholders = group.map(
          (_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`,
        );
        const { rows } = await pool.query<{ id: string; client_id: string; created_at: Date }>(
          `insert into bench_floor_messages (id, channel, client_id, body) values ${placeholders.join(", ")}
           returning id, client_id, created_at`,
          values,
        );
        const byClientId = new Map(rows.map((row) => [row.client_id, row]));
        for (const entry of group) {
          const row = byClientId.get(entry.post.clientId);
          if (row) entry.done({ id: row.id, createdAt: row.created_at.toISOString() });
          else entry.fail(new Error("not written"));
        }
      } catch (error) {
        for (const entry of group) entry.fail(error);
      }
    }
    writing = false;
  }
  return (post: Post) =>
    new Promise<{ id: string; createdAt: string }>((done, fail) => {
      waiting.push({ post, done, fail });
      if (!writing) void drain();
    });
}

const persist = databaseUrl ? persister(databaseUrl) : null;

function broadcast(
  input: Post,
  row: { id: string; createdAt: string } = { id: randomUUID(), createdAt: new Date().toISOString() },
) {
  const id = ++lastEventId;
  const now = row.createdAt;
  const message = {
    id: row.id,
    seq: id,
    channelId: input.channel,
    clientId: input.clientId,
    author,
    body: input.body,
    bodyHtml: `<p>${input.body}</p>\n`,
    threadRootId: null,
    alsoToChannel: false,
    replyCount: 0,
    lastReplyAt: null,
    editedAt: null,
    deleted: false,
    pinned: false,
    reactions: [],
    attachments: [],
    mentions: [],
    mentionsChannel: false,
    supportLike: false,
    ticketId: null,
    createdAt: now,
  };
  const frame = JSON.stringify({
    type: "event",
    id,
    topic: messageCreated.topic,
    payload: { message },
    at: now,
  });
  for (const socket of subscribers.get(input.channel) ?? []) {
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) socket.close(1013, "too far behind");
    else socket.send(frame);
  }
  return message;
}

const server = http.createServer((request, response) => {
  if (request.method !== "POST" || request.url !== "/post") {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    try {
      const input = JSON.parse(Buffer.concat(chunks).toString()) as Post;
      const answer = (message: ReturnType<typeof broadcast>) =>
        response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(message));
      if (!persist) answer(broadcast(input));
      else
        persist(input).then(
          (row) => answer(broadcast(input, row)),
          () => response.writeHead(500).end(),
        );
    } catch {
      response.writeHead(400).end();
    }
  });
});

const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (request, socket, head) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  const channel = url.searchParams.get("channel");
  if (url.pathname !== "/ws" || !channel) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(request, socket, head, (ws) => {
    const set = subscribers.get(channel) ?? new Set();
    subscribers.set(channel, set);
    set.add(ws);
    ws.on("close", () => set.delete(ws));
    ws.on("error", () => set.delete(ws));
    ws.send(JSON.stringify({ type: "hello", lastEventId }));
  });
});

server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : port}`);
});
process.once("SIGTERM", () => process.exit(0));
