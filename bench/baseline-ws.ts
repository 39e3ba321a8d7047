/**
 * The ceiling for bench/chat.ts: a bare `ws` broadcast server with no database, no sessions and no
 * validation. It takes the same HTTP posts and sends each subscriber of the channel a frame of the
 * same shape and size as Convene's `message.created` event, serialised once per message.
 *
 *   node --import tsx bench/baseline-ws.ts <port>     prints "listening <port>" when ready
 *
 * GET  /ws?channel=<id>&after=<n>   WebSocket; sends { type: "hello" } then every post to <id>
 * POST /post  { channel, clientId, body }   201 with the message
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import { messageCreated } from "../src/server/modules/chat/contracts/messages.js";

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const port = Number(process.argv[2] ?? 0);
const subscribers = new Map<string, Set<WebSocket>>();
let lastEventId = 0;
const author = {
  id: randomUUID(),
  name: "Bench Poster",
  isStaff: false,
  organisation: { id: randomUUID(), name: "Northwind Research Unit" },
};

function broadcast(input: { channel: string; clientId: string; body: string }) {
  const id = ++lastEventId;
  const now = new Date().toISOString();
  const message = {
    id: randomUUID(),
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
      const input = JSON.parse(Buffer.concat(chunks).toString()) as {
        channel: string;
        clientId: string;
        body: string;
      };
      const body = JSON.stringify(broadcast(input));
      response.writeHead(201, { "content-type": "application/json" }).end(body);
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
