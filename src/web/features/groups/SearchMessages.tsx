import { Anchor, Mark, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { type SearchHit, useMessageSearch } from "./groups-api.js";

/** The server marks matched words «like this» in a plain-text snippet; React keeps the rest as text. */
function Snippet({ text }: { text: string }) {
  const parts = text.split(/«|»/);
  return (
    <Text size="sm">
      {parts.map((part, index) =>
        // Odd parts sit between « and », so they are the matches.
        index % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder.
          <Mark key={index}>{part}</Mark>
        ) : (
          part
        ),
      )}
    </Text>
  );
}

function Hit({ hit, showGroup }: { hit: SearchHit; showGroup: boolean }) {
  return (
    <Stack gap={2} data-testid="search-hit">
      <Anchor component={Link} to={`/groups/${hit.group.handle}/topics/${hit.topicId}`} size="sm" fw={500}>
        {hit.subject}
      </Anchor>
      <Text size="xs" c="dimmed">
        {showGroup ? `${hit.group.name} · ` : ""}
        {formatDateTime(hit.at)}
      </Text>
      <Snippet text={hit.snippet} />
    </Stack>
  );
}

/** Full-text search of topics and messages in the groups one reads; `handle` keeps it to one group. */
export function SearchMessages({ handle }: { handle: string | null }) {
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const results = useMessageSearch(q, handle);
  return (
    <Stack gap="sm">
      <TextInput
        aria-label="Search messages"
        placeholder={handle ? "Search this group's messages" : "Search messages in your groups"}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
      />
      {q.length >= 2 &&
        (results.isError ? (
          <ErrorAlert error={results.error} />
        ) : results.data && results.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing matches.
          </Text>
        ) : (
          results.data?.map((hit) => <Hit key={hit.messageId} hit={hit} showGroup={handle === null} />)
        ))}
    </Stack>
  );
}
