import { usePresence } from "./api.js";
import classes from "./chat.module.css";

/** A green dot for someone connected right now, an empty one otherwise. */
export function PresenceDot({ userId }: { userId: string }) {
  const online = usePresence().data?.has(userId) ?? false;
  return (
    <span
      className={classes.presence}
      data-online={online || undefined}
      role="img"
      aria-label={online ? "Online" : "Offline"}
      title={online ? "Online" : "Offline"}
    />
  );
}
