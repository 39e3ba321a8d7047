import { Anchor, Badge, Group, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { type SearchHit, useProjectSearch } from "./projects-api.js";

const kindLabels: Record<SearchHit["kind"], string> = {
  post: "Post",
  comment: "Comment",
  document: "Document",
  file: "File",
};

/** Where a hit opens: its tab of the project, with the item chosen in the address. */
function hitPath(hit: SearchHit): string {
  const item = encodeURIComponent(hit.itemId);
  switch (hit.kind) {
    case "post":
    case "comment":
      return `/projects/${hit.projectId}/board?post=${item}`;
    case "document":
      return `/projects/${hit.projectId}/documents?document=${item}`;
    case "file":
      return `/projects/${hit.projectId}/files?file=${item}`;
  }
}

function HitRow({ hit, showProject }: { hit: SearchHit; showProject: boolean }) {
  return (
    <Stack gap={2} component="li" data-testid="search-hit">
      <Group gap="xs" wrap="nowrap" align="baseline">
        <Badge size="xs" variant="light">
          {kindLabels[hit.kind]}
        </Badge>
        <Anchor component={Link} to={hitPath(hit)} size="sm" fw={500}>
          {hit.kind === "comment" ? `Comment on “${hit.title}”` : hit.title}
        </Anchor>
        {hit.visibility === "staff" && (
          <Badge size="xs" color="yellow" variant="light">
            Product team only
          </Badge>
        )}
      </Group>
      {hit.snippet && (
        <Text size="xs" lineClamp={2}>
          {hit.snippet}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {formatDateTime(hit.at)}
        {showProject && ` · ${hit.projectName}`}
      </Text>
    </Stack>
  );
}

/**
 * A search box over posts, comments, documents and file names: of every project one takes part in
 * (`projectId` null, naming the project on each hit) or of one project. Hits appear while typing.
 */
export function ProjectSearch({ projectId }: { projectId: string | null }) {
  const [text, setText] = useState("");
  const [q] = useDebouncedValue(text.trim(), 300);
  const search = useProjectSearch(q, projectId);
  return (
    <Stack gap="xs">
      <TextInput
        type="search"
        aria-label={projectId ? "Search this project" : "Search my projects"}
        placeholder={projectId ? "Search this project" : "Search posts, comments, documents and files"}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
      />
      {q.length >= 2 && (
        <Paper withBorder p="sm" data-testid="search-results">
          {search.isError ? (
            <ErrorAlert error={search.error} />
          ) : search.isPending || (search.isPlaceholderData && search.data.length === 0) ? (
            // The previous word's empty answer is not an answer for this word: still looking.
            <Text size="sm" c="dimmed">
              Searching…
            </Text>
          ) : search.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing matches “{q}”.
            </Text>
          ) : (
            <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
              {search.data.map((hit) => (
                <HitRow
                  key={`${hit.kind}-${hit.itemId}-${hit.at}`}
                  hit={hit}
                  showProject={projectId === null}
                />
              ))}
            </Stack>
          )}
        </Paper>
      )}
    </Stack>
  );
}
