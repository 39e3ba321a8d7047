import { ActionIcon, Indicator } from "@mantine/core";
import { IconBell } from "@tabler/icons-react";
import { Link } from "react-router";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { useUnreadCount } from "./api.js";

/** "Notifications, 3 unread": the name says the number the badge shows. */
export const bellLabel = (unread: number) =>
  `Notifications, ${unread === 0 ? "none" : unread > 99 ? "more than 99" : unread} unread`;

/** The header's way to the inbox (the For you page), with what is unread on it. */
export function NotificationBell() {
  const unread = useUnreadCount().data ?? 0;
  return (
    <ActionIcon
      component={Link}
      to="/"
      variant="subtle"
      color="gray"
      size="lg"
      aria-label={bellLabel(unread)}
    >
      <Indicator
        label={unread > 99 ? "99+" : unread}
        disabled={unread === 0}
        color="red"
        size={16}
        offset={2}
        inline
        aria-hidden
      >
        <UiIcon icon={IconBell} />
      </Indicator>
    </ActionIcon>
  );
}
