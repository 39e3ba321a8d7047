import { Anchor, Badge, Button, Code, Group, List, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconArrowRight, IconSearch } from "@tabler/icons-react";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import { SEARCH_HITS_MAX } from "../../../shared/contracts/search.js";
import {
  type ParsedSearch,
  parseSearch,
  type SearchKind,
  searchKindLabels,
  searchKinds,
} from "../../../shared/search-query.js";
import { isApiError } from "../../app/api.js";
import { renderNow } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { type SearchGroup, type SearchHit, useSearch } from "./api.js";
import { Highlight } from "./Highlight.js";
import { HitContext, HitSnippet } from "./HitDetails.js";
import { moreOfKind, searchKindIcons, searchPagePath } from "./kinds.js";
import classes from "./search.module.css";

const isSearchKind = (value: string | null): value is SearchKind => searchKinds.includes(value as SearchKind);

/** A "More" link asks the page it opens to move the focus to that kind's results. */
type ArrivedFor = { focusKind?: SearchKind } | null;

/** The filters a query holds, as the server reads them (src/shared/search-query.ts). */
function filtersOf(query: ParsedSearch): string[] {
  return [
    ...query.phrases.map((phrase) => `“${phrase.join(" ")}”`),
    ...query.excluded.map((word) => `without ${word}`),
    ...(query.in ? [`in: ${query.in}`] : []),
    ...(query.from ? [`from: ${query.from}`] : []),
    ...query.types.map((kind) => `type: ${searchKindLabels[kind]}`),
    ...(query.after ? [`after: ${query.after}`] : []),
    ...(query.before ? [`before: ${query.before}`] : []),
  ];
}

function Filters({ q, kind }: { q: string; kind: SearchKind | undefined }) {
  const filters = filtersOf(parseSearch(q).query);
  if (filters.length === 0 && !kind) return null;
  return (
    <Group gap="xs" component="ul" aria-label="Filters" className={classes.results}>
      {filters.map((filter) => (
        <li key={filter}>
          <Badge variant="light" color="gray" tt="none" size="lg">
            {filter}
          </Badge>
        </li>
      ))}
      {kind && (
        <li>
          <Group gap={6} wrap="nowrap">
            <Badge variant="light" tt="none" size="lg">
              only {searchKindLabels[kind].toLowerCase()}
            </Badge>
            <Anchor component={Link} to={searchPagePath(q)} size="sm">
              Every kind
            </Anchor>
          </Group>
        </li>
      )}
    </Group>
  );
}

const tips: [example: string, meaning: string][] = [
  ["dose", "every word must occur; the start of a word is enough (dos finds dose)"],
  ['"dose escalation"', "these words, in this order"],
  ["-draft", "leave out what has this word"],
  ["in:#general", "in a channel, group, project or study"],
  ["from:ned@northwind.example", "by a person: an address or a name"],
  ["type:ticket", `one kind: ${searchKinds.join(", ")}`],
  ["after:2026-11-01 before:2026-12-01", "between two days, neither included"],
];

function SearchTips({ open }: { open: boolean }) {
  return (
    <details open={open}>
      <summary>
        <Text component="span" size="sm" fw={500}>
          Search tips
        </Text>
      </summary>
      <List size="sm" mt="xs">
        {tips.map(([example, meaning]) => (
          <List.Item key={example}>
            <Code>{example}</Code> {meaning}
          </List.Item>
        ))}
      </List>
    </details>
  );
}

function Hit({ hit, now }: { hit: SearchHit; now: number }) {
  const snippetId = useId();
  return (
    <Stack gap={2} component="li" className={classes.marks}>
      <Anchor component={Link} to={hit.path} fw={600} aria-describedby={hit.snippet ? snippetId : undefined}>
        <Highlight value={hit.title} />
      </Anchor>
      <HitSnippet hit={hit} id={snippetId} />
      <HitContext hit={hit} now={now} />
    </Stack>
  );
}

function KindResults({
  group,
  q,
  onlyKind,
  now,
}: {
  group: SearchGroup;
  q: string;
  onlyKind: boolean;
  now: number;
}) {
  const headingId = `results-${group.kind}`;
  return (
    <Stack gap="sm" component="section" aria-labelledby={headingId}>
      <Title order={2} size="h4" id={headingId} tabIndex={-1}>
        <Group gap="xs" component="span">
          <UiIcon icon={searchKindIcons[group.kind]} />
          {searchKindLabels[group.kind]}
        </Group>
      </Title>
      <Stack gap="md" component="ol" className={classes.results}>
        {group.hits.map((hit) => (
          <Hit key={hit.id} hit={hit} now={now} />
        ))}
      </Stack>
      {group.more &&
        (onlyKind ? (
          <Text size="sm" c="dimmed">
            These are the best {SEARCH_HITS_MAX}; add words or a filter to find the others.
          </Text>
        ) : (
          <Button
            component={Link}
            to={searchPagePath(q, group.kind)}
            state={{ focusKind: group.kind } satisfies ArrivedFor}
            variant="light"
            size="sm"
            rightSection={<UiIcon icon={IconArrowRight} />}
            style={{ alignSelf: "flex-start" }}
          >
            {moreOfKind(group.kind)}
          </Button>
        ))}
    </Stack>
  );
}

function NothingFound({ q, kind }: { q: string; kind: SearchKind | undefined }) {
  const hasFilters = filtersOf(parseSearch(q).query).length > 0;
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Nothing matches “{q}”
      </Title>
      <Text size="sm">Try:</Text>
      <List size="sm">
        <List.Item>fewer words, since a result must contain every one, or check their spelling;</List.Item>
        <List.Item>the start of a word alone: dep finds deploy and deployment;</List.Item>
        {hasFilters && (
          <List.Item>leaving out a filter, so that more places, people or days count;</List.Item>
        )}
        {kind && (
          <List.Item>
            <Anchor component={Link} to={searchPagePath(q)}>
              searching every kind
            </Anchor>
            , not only {searchKindLabels[kind].toLowerCase()}.
          </List.Item>
        )}
      </List>
    </Stack>
  );
}

/** What the status line says (and a screen reader hears) once an answer is in. */
const resultCount = (groups: SearchGroup[]) => {
  const hits = groups.reduce((sum, group) => sum + group.hits.length, 0);
  if (hits === 0) return "No results.";
  const kinds = groups.length === 1 ? "" : ` in ${groups.length} kinds`;
  const more = groups.some((group) => group.more) ? " There are more." : "";
  return `${hits} ${hits === 1 ? "result" : "results"}${kinds}.${more}`;
};

/** `/search?q=&kind=`: everything the query finds, grouped by kind, or up to 50 of one kind. */
export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const q = params.get("q")?.trim() ?? "";
  const kindParam = params.get("kind");
  const kind = isSearchKind(kindParam) ? kindParam : undefined;
  const [text, setText] = useState(q);
  const [now] = useState(renderNow);
  const results = useSearch(q, kind);
  const fieldError = isApiError(results.error) ? results.error.fields.q : undefined;
  const groups = results.isPlaceholderData ? undefined : results.data;
  const focusKind = (location.state as ArrivedFor)?.focusKind;
  const focusedFor = useRef<string | null>(null);

  // A query typed into the header's palette arrives while this page is open.
  useEffect(() => setText(q), [q]);
  // Once, when the answer a "More" link asked for is in: the focus moves to the kind it shows.
  useEffect(() => {
    if (!groups || !focusKind || focusedFor.current === location.key) return;
    focusedFor.current = location.key;
    document.getElementById(`results-${focusKind}`)?.focus();
  }, [groups, focusKind, location.key]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = text.trim();
    setParams(next ? { q: next, ...(kind && { kind }) } : {});
  };

  return (
    <Page title="Search" size="md">
      <form onSubmit={submit} noValidate>
        <TextInput
          label="Search everything"
          type="search"
          name="q"
          enterKeyHint="search"
          leftSection={<UiIcon icon={IconSearch} />}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          error={fieldError}
          // The button sits beside the field, the label above both and the server's error below.
          inputContainer={(field) => (
            <Group gap="xs" wrap="nowrap">
              <div style={{ flex: 1 }}>{field}</div>
              <Button type="submit">Search</Button>
            </Group>
          )}
        />
      </form>
      <Filters q={q} kind={kind} />
      <SearchTips open={!q} />
      {!q && (
        <Text c="dimmed">Type what to look for: words, a “phrase”, or a filter such as in:#general.</Text>
      )}
      {results.error && !fieldError && <ErrorAlert error={results.error} />}
      {q && !groups && !results.isError && <PageLoader />}
      <Text size="sm" c="dimmed" role="status">
        {groups ? resultCount(groups) : ""}
      </Text>
      {groups?.length === 0 && <NothingFound q={q} kind={kind} />}
      {groups?.map((group) => (
        <KindResults key={group.kind} group={group} q={q} onlyKind={kind !== undefined} now={now} />
      ))}
    </Page>
  );
}
