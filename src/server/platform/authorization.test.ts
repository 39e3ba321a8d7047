/**
 * Who may call the platform's own routes; see testing/authorization.ts for the callers and the rules.
 */
import { createECDH, randomBytes } from "node:crypto";
import { actorOf } from "../modules/accounts/users.js";
import { createChannel } from "../modules/chat/channels.js";
import {
  authorizationMatrix,
  community,
  type Expected,
  everyone,
  people,
  type Row,
  signedIn,
  staffOnly,
  unique,
} from "../testing/authorization.js";
import { actingAs } from "./context.js";

/** A private channel only the same-organisation member is in: nobody else may follow or mute it. */
async function privateChannelOfMember(): Promise<string> {
  const channel = await createChannel(actingAs(community().ctx, actorOf(people().northwindMember)), {
    name: unique("matrix-private"),
    kind: "private",
    topic: "",
    description: "",
  });
  return channel.id;
}
/** What a browser's pushManager would send: a fresh endpoint and its keys (nothing is pushed to it). */
function browserSubscription() {
  return {
    endpoint: `https://push.example/${unique("matrix")}`,
    keys: {
      p256dh: createECDH("prime256v1").generateKeys().toString("base64url"),
      auth: randomBytes(16).toString("base64url"),
    },
  };
}

const onlyTheMember: Expected = { anonymous: 401, sameOrg: 200, otherOrg: 404, orgAdmin: 404, staff: 404 };

const rows: Row[] = [
  { route: "GET /api/health", expected: everyone(200), call: ({ client }) => client.get("/api/health") },
  // A load balancer asks without signing in; the answer names checks, never why one failed.
  {
    route: "GET /api/health/ready",
    expected: everyone(200),
    call: ({ client }) => client.get("/api/health/ready"),
  },
  {
    route: "GET /api/openapi.json",
    expected: everyone(200),
    call: ({ client }) => client.get("/api/openapi.json"),
  },
  {
    route: "POST /api/markdown/preview",
    expected: signedIn(200),
    call: ({ client }) => client.post("/api/markdown/preview", { markdown: "**Matrix**" }),
  },
  {
    route: "GET /api/search",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/search?q=welcome"),
  },
  {
    route: "GET /api/admin/audit",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/audit"),
  },
  {
    route: "GET /api/admin/mail",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/mail"),
  },
  {
    route: "GET /api/notifications",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/notifications?unread=true"),
  },
  {
    route: "GET /api/notifications/unread-count",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/notifications/unread-count"),
  },
  {
    route: "POST /api/notifications/read",
    expected: signedIn(200),
    call: ({ client }) => client.post("/api/notifications/read", { all: true }),
  },
  {
    route: "GET /api/notifications/preferences",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/notifications/preferences"),
  },
  {
    route: "PATCH /api/notifications/preferences",
    expected: signedIn(200),
    call: ({ client }) =>
      client.patch("/api/notifications/preferences", { kinds: { "chat.channel": "off" } }),
  },
  {
    route: "GET /api/notifications/follows/:type/:id",
    expected: onlyTheMember,
    call: async ({ client }) =>
      client.get(`/api/notifications/follows/chat_channel/${await privateChannelOfMember()}`),
  },
  {
    route: "PUT /api/notifications/follows/:type/:id",
    expected: onlyTheMember,
    call: async ({ client }) =>
      client.put(`/api/notifications/follows/chat_channel/${await privateChannelOfMember()}`, {
        level: "mute",
      }),
  },
  {
    route: "GET /api/notifications/push/key",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/notifications/push/key"),
  },
  {
    route: "POST /api/notifications/push/subscriptions",
    expected: signedIn(204),
    call: ({ client }) => client.post("/api/notifications/push/subscriptions", browserSubscription()),
  },
  {
    route: "DELETE /api/notifications/push/subscriptions",
    expected: signedIn(204),
    call: async ({ client }) => {
      const subscription = browserSubscription();
      await client.post("/api/notifications/push/subscriptions", subscription);
      return client.delete("/api/notifications/push/subscriptions", { endpoint: subscription.endpoint });
    },
  },
];

// The OpenAPI document is served by the app itself, not declared by a contract (it describes them).
authorizationMatrix(rows, { undeclaredRoutes: ["GET /api/openapi.json"] });
