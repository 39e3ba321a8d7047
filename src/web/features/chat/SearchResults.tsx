import { Anchor, CloseButton, Group, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import mentionClasses from "../../app/ui/mentions.module.css";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { PersonName } from "../../app/ui/StaffBadge.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { type SearchResult, useSearch } from "./api.js";
import classes from "./chat.module.css";
import { channelLabel } from "./labels.js";

export const SEARCH_SYNTAX = "in:#channel from:@person before:2026-11-01 after:2026-10-01";

/** Where a result opens: the message in its channel, and its thread when it is a reply there. */
function linkTo({ message, channel }: SearchResult): string {
  const params = new URLSearchParams({ message: message.id });
  if (message.threadRootId) params.set("thread", message.threadRootId);
  return `/chat/${channel.id}?${params}`;
}

function Result({ result }: { result: SearchResult }) {
  return (
    <Stack gap={2} component="li">
      <Group gap={6} wrap="nowrap">
        <Anchor component={Link} to={linkTo(result)} size="sm" fw={600}>
          {channelLabel(result.channel)}
        </Anchor>
        <Text size="xs" c="dimmed">
          {formatDateTime(result.message.createdAt)}
        </Text>
      </Group>
      <Text size="sm" component="div">
        <PersonName name={result.message.author.name} isStaff={result.message.author.isStaff} />
      </Text>
      <div className={`${classes.body} ${mentionClasses.mentions}`}>
        <ServerHtml html={result.message.bodyHtml} />
      </div>
    </Stack>
  );
}

/** Messages matching a search, each linking to itself in context. */
export function SearchResults({ q, onClose }: { q: string; onClose: () => void }) {
  const search = useSearch(q);
  return (
    <Stack gap={0} h="100%" component="aside" aria-label="Search results">
      <Group
        justify="space-between"
        wrap="nowrap"
        px="md"
        py="xs"
        style={{ borderBottom: "1px solid var(--mantine-color-gray-3)" }}
      >
        <div>
          <Title order={2} size="h5">
            Search results
          </Title>
          <Text size="xs" c="dimmed">
            Filters: {SEARCH_SYNTAX}
          </Text>
        </div>
        <CloseButton aria-label="Close search results" onClick={onClose} />
      </Group>
      <div className={classes.scroller}>
        {search.isPending && <PageLoader />}
        <ErrorAlert error={search.error} />
        {search.data?.length === 0 && (
          <Text c="dimmed" p="md">
            No messages match “{q}”.
          </Text>
        )}
        {search.data && search.data.length > 0 && (
          <Stack gap="md" p="md" component="ol" m={0} style={{ listStyle: "none" }}>
            {search.data.map((result) => (
              <Result key={result.message.id} result={result} />
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}
