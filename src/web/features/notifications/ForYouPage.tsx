import {
  ActionIcon,
  Anchor,
  Box,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  VisuallyHidden,
} from "@mantine/core";
import { IconAdjustments, IconCheck, IconChecks } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime, formatRelativeTime, renderNow } from "../../app/format.js";
import { useSignedInMe } from "../../app/gates.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { type InboxEntry, type InboxFilter, useInbox, useMarkRead, useUnreadCount } from "./api.js";

const filters: { value: InboxFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "unread", label: "Unread" },
];

/** One item (a message, a ticket, a post) and what happened in it, newest first. */
function EntryRow({ entry, now }: { entry: InboxEntry; now: number }) {
  const markRead = useMarkRead();
  const [latest] = entry.notifications;
  if (!latest) return null;
  const unread = entry.unread > 0;
  const more = entry.notifications.length - 1;
  const item = { type: entry.item.type, id: entry.item.id };
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      data-testid="inbox-entry"
      data-unread={unread || undefined}
      // Unread entries carry a bar in the primary colour as well as bold titles: more than one cue.
      style={unread ? { borderLeft: "4px solid var(--mantine-primary-color-filled)" } : undefined}
    >
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Box flex={1} miw={0}>
          {/* The title and what was said make one link: a large target, and a name that says what opens. */}
          <Anchor
            component={Link}
            to={entry.item.url}
            onClick={() => unread && markRead.mutate({ item })}
            display="block"
            c="inherit"
            style={{ textDecoration: "none" }}
          >
            <Text
              span
              display="block"
              fw={unread ? 700 : 500}
              c="var(--mantine-primary-color-filled)"
              td="underline"
            >
              {unread && <VisuallyHidden>Unread: </VisuallyHidden>}
              {entry.item.title}
            </Text>
            <Text span display="block" size="sm" lineClamp={2}>
              {latest.actor && (
                <Text span fw={600} inherit>
                  {latest.actor.name}:{" "}
                </Text>
              )}
              {latest.excerpt}
            </Text>
          </Anchor>
          <Text size="xs" c="dimmed">
            <time dateTime={latest.createdAt} title={formatDateTime(latest.createdAt)}>
              {formatRelativeTime(latest.createdAt, now)}
            </time>
            {more > 0 && ` · ${more} more`}
          </Text>
        </Box>
        {unread && (
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Mark read: ${entry.item.title}`}
            loading={markRead.isPending}
            onClick={() => markRead.mutate({ item })}
          >
            <UiIcon icon={IconCheck} />
          </ActionIcon>
        )}
      </Group>
    </Paper>
  );
}

function EmptyInbox({ filter }: { filter: InboxFilter }) {
  return (
    <Paper withBorder p="lg">
      <Text fw={600}>{filter === "unread" ? "Nothing unread." : "Nothing here yet."}</Text>
      <Text size="sm" c="dimmed">
        When someone mentions you or writes to you in chat, replies to your ticket, comments on a post you
        follow or answers your feedback, it shows up here, newest first. Choose what reaches you in{" "}
        <Anchor component={Link} to="/settings/notifications" inherit>
          notification preferences
        </Anchor>
        .
      </Text>
    </Paper>
  );
}

/** `/` for members: their inbox, what happened for them across the community. */
export function ForYouPage() {
  const me = useSignedInMe();
  const [filter, setFilter] = useState<InboxFilter>("all");
  const inbox = useInbox(filter);
  const unread = useUnreadCount().data ?? 0;
  const markAllRead = useMarkRead();
  const entries = inbox.data?.pages.flatMap((page) => page.entries) ?? [];
  const now = renderNow();

  return (
    <Page
      title="For you"
      size="md"
      actions={
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            leftSection={<UiIcon icon={IconChecks} />}
            disabled={unread === 0}
            loading={markAllRead.isPending}
            onClick={() => markAllRead.mutate({ all: true })}
          >
            Mark all read
          </Button>
          <Button
            component={Link}
            to="/settings/notifications"
            variant="subtle"
            size="xs"
            leftSection={<UiIcon icon={IconAdjustments} />}
          >
            Preferences
          </Button>
        </Group>
      }
    >
      <Text c="dimmed">
        Welcome, {me.name}. What happened for you across the community; the rooms are in the navigation.
      </Text>
      <SegmentedControl
        aria-label="Show"
        data={filters}
        value={filter}
        onChange={(value) => setFilter(value as InboxFilter)}
        w="fit-content"
      />
      {inbox.isPending ? (
        <PageLoader />
      ) : inbox.isError ? (
        <ErrorAlert error={inbox.error} />
      ) : entries.length === 0 ? (
        <EmptyInbox filter={filter} />
      ) : (
        <Stack component="ul" aria-label="Notifications" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
          {entries.map((entry) => (
            <EntryRow key={`${entry.item.type}:${entry.item.id}`} entry={entry} now={now} />
          ))}
        </Stack>
      )}
      {inbox.hasNextPage && (
        <Button
          variant="default"
          w="fit-content"
          loading={inbox.isFetchingNextPage}
          onClick={() => inbox.fetchNextPage()}
        >
          Load more
        </Button>
      )}
    </Page>
  );
}
