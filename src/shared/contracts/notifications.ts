/**
 * The inbox: what happened for a person across the community, how each kind reaches them, and what
 * they follow or mute. Kinds are declared once here: the server writes them, the preferences page
 * lists them with these labels and defaults.
 */
import { z } from "zod";
import { operation } from "../contract.js";
import { defineEvent } from "../events.js";
import { uuidField } from "../fields.js";

const tag = "notifications";

/**
 * How a kind reaches a person: only in the app, e-mailed (and pushed) at once, e-mailed in a batch when
 * still unread after the delay, or not at all.
 */
export const deliveries = ["app", "email_now", "email_batch", "off"] as const;
export type Delivery = (typeof deliveries)[number];

export const deliveryLabels: Record<Delivery, string> = {
  app: "In the app only",
  email_now: "E-mail at once",
  email_batch: "E-mail if unread",
  off: "Off",
};

type KindSpec = { room: string; label: string; delivery: Delivery; staffOnly?: true };

/** Every kind, its room, what the preferences page calls it and how it reaches people who chose nothing. */
export const notificationKinds = {
  "chat.mention": { room: "Chat", label: "Someone mentions me", delivery: "email_batch" },
  "chat.direct": { room: "Chat", label: "A direct message to me", delivery: "email_batch" },
  "chat.thread_reply": { room: "Chat", label: "A reply in a thread I follow", delivery: "app" },
  "chat.channel": { room: "Chat", label: "@channel in a channel I am in", delivery: "app" },
  "desk.ticket_reply": { room: "Service desk", label: "A reply on my ticket", delivery: "email_batch" },
  "desk.ticket_status": { room: "Service desk", label: "My ticket changes status", delivery: "email_batch" },
  "desk.ticket_released": {
    room: "Service desk",
    label: "My ticket is fixed in a release",
    delivery: "email_batch",
  },
  "desk.new_ticket": { room: "Service desk", label: "A new ticket", delivery: "app", staffOnly: true },
  "desk.access_request": {
    room: "Service desk",
    label: "A new access request",
    delivery: "email_batch",
    staffOnly: true,
  },
  "desk.sla_warning": {
    room: "Service desk",
    label: "A ticket nears or misses its service level",
    delivery: "app",
    staffOnly: true,
  },
  "projects.comment": { room: "Projects", label: "A comment on a post I follow", delivery: "email_batch" },
  "projects.mention": { room: "Projects", label: "Someone mentions me", delivery: "email_batch" },
  "projects.announcement": { room: "Projects", label: "A project announcement", delivery: "email_batch" },
  "projects.feedback_round": { room: "Projects", label: "A new feedback round", delivery: "email_batch" },
  "projects.triage": { room: "Projects", label: "The team answers my feedback", delivery: "email_batch" },
  "groups.moderation": { room: "Groups", label: "A post waits for my moderation", delivery: "email_batch" },
  "groups.reply": { room: "Groups", label: "A reply in a topic I follow", delivery: "app" },
  "groups.moderated": { room: "Groups", label: "My post is approved or rejected", delivery: "email_batch" },
  "sandbox.wipe": {
    room: "Development environment",
    label: "A wipe is scheduled or cancelled",
    delivery: "email_batch",
  },
  "sandbox.deployment": {
    room: "Development environment",
    label: "A deployment changes flags",
    delivery: "app",
  },
  "sandbox.role": { room: "Development environment", label: "My role changes", delivery: "email_batch" },
  "sandbox.agreement": {
    room: "Development environment",
    label: "A new agreement to accept",
    delivery: "email_batch",
  },
  "releases.published": { room: "Releases", label: "A release is published", delivery: "email_batch" },
  "ideas.status": {
    room: "Ideas",
    label: "An idea I voted for or commented on changes status",
    delivery: "email_batch",
  },
} as const satisfies Record<string, KindSpec>;

export type NotificationKind = keyof typeof notificationKinds;
export const kindNames = Object.keys(notificationKinds) as [NotificationKind, ...NotificationKind[]];

/** What a notification is about; the inbox groups by it and a click opens it. */
export const notificationItem = z.object({
  type: z.string(),
  id: z.string(),
  title: z.string(),
  /** The page that shows it, with the exact message, comment or answer to scroll to. */
  url: z.string(),
});

export const notification = z.object({
  id: z.string(),
  kind: z.enum(kindNames),
  item: notificationItem,
  excerpt: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type NotificationView = z.infer<typeof notification>;

/** The notifications of one item, newest first, as the inbox shows them. */
export const inboxEntry = z.object({
  item: notificationItem,
  notifications: z.array(notification),
  unread: z.number().int(),
  latestAt: z.string(),
});
export type InboxEntry = z.infer<typeof inboxEntry>;

export const inboxQuery = z.object({
  /** Only items with something unread. */
  unread: z.enum(["true", "false"]).optional(),
  /** The page after this one: the previous page's `nextBefore`. */
  before: z.iso.datetime({ offset: true, error: "Send the previous page's nextBefore." }).optional(),
});

export const listInbox = operation({
  operationId: "listInbox",
  summary: "What happened for me, grouped by item, newest first",
  method: "GET",
  path: "/api/notifications",
  access: "member",
  tag,
  query: inboxQuery,
  response: z.object({
    entries: z.array(inboxEntry),
    unreadCount: z.number().int(),
    nextBefore: z.string().nullable(),
  }),
});

export const unreadCount = operation({
  operationId: "getUnreadNotificationCount",
  summary: "How many notifications I have not read (the bell)",
  method: "GET",
  path: "/api/notifications/unread-count",
  access: "member",
  tag,
  response: z.object({ unreadCount: z.number().int() }),
});

const itemRef = z.object({
  type: z
    .string({ error: "Name the item's type." })
    .min(1, "Name the item's type.")
    .max(40, "Not a known item type."),
  id: z.string({ error: "Name the item." }).min(1, "Name the item.").max(80, "Not a valid item id."),
});

export const markRead = operation({
  operationId: "markNotificationsRead",
  summary: "Mark notifications read: some by id, every one of an item, or all",
  method: "POST",
  path: "/api/notifications/read",
  access: "member",
  tag,
  body: z.union(
    [
      z.object({
        ids: z.array(uuidField).min(1, "Name at least one notification.").max(500, "At most 500 at once."),
      }),
      z.object({ item: itemRef }),
      z.object({ all: z.literal(true) }),
    ],
    { error: "Send ids, an item, or all: true." },
  ),
  response: z.object({ unreadCount: z.number().int() }),
});

const minuteOfDay = z
  .string({ error: "Give a time as HH:MM." })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Give a time as HH:MM (24-hour).");

export const quietHours = z
  .object({ from: minuteOfDay, to: minuteOfDay })
  .refine((hours) => hours.from !== hours.to, {
    message: "Quiet hours must start and end at different times.",
    path: ["to"],
  });

const timeZone = z
  .string({ error: "Choose a time zone." })
  .refine((zone) => isTimeZone(zone), "Choose a known time zone, such as Europe/London.");

export const notificationPreferences = z.object({
  kinds: z.record(z.enum(kindNames), z.enum(deliveries, { error: "Choose how this kind reaches you." })),
  /** Nothing is e-mailed or pushed between these times in the person's time zone; it waits until after. */
  quietHours: quietHours.nullable(),
  /**
   * The zone quiet hours are meant in; null while the person never chose one (quiet hours then count in
   * UTC), so the page can suggest the browser's.
   */
  timeZone: timeZone.nullable(),
  /** Minutes a notification stays unread before "E-mail if unread" sends it. */
  emailDelayMinutes: z
    .number()
    .int()
    .min(1, "Wait at least 1 minute.")
    .max(1440, "Wait at most a day (1440 minutes)."),
});
export type NotificationPreferences = z.infer<typeof notificationPreferences>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const getPreferences = operation({
  operationId: "getNotificationPreferences",
  summary: "How each kind of notification reaches me, my quiet hours and e-mail delay",
  method: "GET",
  path: "/api/notifications/preferences",
  access: "member",
  tag,
  response: notificationPreferences,
});

export const updatePreferences = operation({
  operationId: "updateNotificationPreferences",
  summary: "Change how kinds of notification reach me; kinds left out keep their setting",
  method: "PATCH",
  path: "/api/notifications/preferences",
  access: "member",
  tag,
  body: notificationPreferences.partial().extend({
    /** A zone once chosen is changed, never unchosen. */
    timeZone: timeZone.optional(),
    kinds: z
      .partialRecord(
        z.enum(kindNames, { error: "Not a known kind of notification." }),
        z.enum(deliveries, { error: "Choose how this kind reaches you." }),
      )
      .optional(),
  }),
  response: notificationPreferences,
});

/**
 * Following an item notifies of everything in it; muting silences it (and everything in it: a muted
 * channel's threads). A chat channel also takes `mentions`: only what names me.
 */
export const followLevels = ["follow", "mentions", "mute"] as const;
export type FollowLevel = (typeof followLevels)[number];

export const followState = z.object({ level: z.enum(followLevels).nullable() });

export const getFollow = operation({
  operationId: "getNotificationFollow",
  summary: "Whether I follow or muted an item (null: the default)",
  method: "GET",
  path: "/api/notifications/follows/:type/:id",
  access: "member",
  tag,
  params: itemRef,
  response: followState,
});

export const setFollow = operation({
  operationId: "setNotificationFollow",
  summary: "Follow, mute or return to the default for an item I can see",
  method: "PUT",
  path: "/api/notifications/follows/:type/:id",
  access: "member",
  tag,
  params: itemRef,
  body: z.object({ level: z.enum(followLevels, { error: "Choose follow, mentions or mute." }).nullable() }),
  response: followState,
  errors: ["not_found"],
});

/** Tells a person's open pages their inbox changed (a new notification, one read elsewhere). */
export const inboxChanged = defineEvent<Record<string, never>>("notifications.changed");

/** The key browsers subscribe with (`applicationServerKey`): this instance's VAPID public key. */
export const getPushKey = operation({
  operationId: "getPushPublicKey",
  summary: "The key a browser subscribes to push notifications with (VAPID public key)",
  method: "GET",
  path: "/api/notifications/push/key",
  access: "member",
  tag,
  response: z.object({ publicKey: z.string() }),
});

/** Bytes of a key sent in base64url, as `PushSubscription.toJSON()` gives it. */
const base64UrlKey = (name: string, bytes: number) =>
  z
    .string({ error: `Send the subscription's ${name} key.` })
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `The ${name} key must be base64url.`)
    .refine(
      (key) => Math.floor((key.replace(/=+$/, "").length * 3) / 4) === bytes,
      `The ${name} key must be ${bytes} bytes.`,
    );

/** The longest push endpoint a browser may subscribe with. */
export const PUSH_ENDPOINT_MAX_LENGTH = 2000;

/** Where a browser's push service takes its pushes: `PushSubscription.endpoint`. */
export const pushEndpoint = z
  .url({ protocol: /^https$/, error: "The endpoint must be an https:// address." })
  .max(PUSH_ENDPOINT_MAX_LENGTH, "The endpoint is too long.");

/** How many browsers a person may have subscribed; a new one beyond it replaces their oldest. */
export const MAX_PUSH_SUBSCRIPTIONS = 10;

export const subscribePush = operation({
  operationId: "subscribePush",
  summary: "Push my at-once notifications to this browser",
  description:
    'The body is the browser\'s `PushSubscription.toJSON()`. Kinds I receive "at once" are then pushed ' +
    `as well as e-mailed. A person keeps at most ${MAX_PUSH_SUBSCRIPTIONS} browsers; a new one replaces the oldest.`,
  method: "POST",
  path: "/api/notifications/push/subscriptions",
  access: "member",
  tag,
  body: z.object({
    endpoint: pushEndpoint,
    keys: z.object(
      { p256dh: base64UrlKey("p256dh", 65), auth: base64UrlKey("auth", 16) },
      { error: "Send the subscription's keys (p256dh and auth)." },
    ),
  }),
});

export const unsubscribePush = operation({
  operationId: "unsubscribePush",
  summary: "Stop pushing to a browser of mine",
  method: "DELETE",
  path: "/api/notifications/push/subscriptions",
  access: "member",
  tag,
  body: z.object({ endpoint: pushEndpoint }),
  errors: ["not_found"],
});
