/**
 * The platform's own live events: the ones the WebSocket gateway itself reads, beside the inbox's
 * (notifications.ts). Each module declares the rest in its own contracts.
 */
import { defineEvent } from "../events.js";

/**
 * A person joined or left a chat channel. The gateway follows it to send them that channel's events
 * from then on (or no longer), and open chat pages fetch the channel's members again.
 */
export const channelMembershipChanged = defineEvent<{ channelId: string; userId: string; joined: boolean }>(
  "membership.changed",
);
