import { Text } from "@mantine/core";
import { formatDateTime, formatRelativeTime } from "../../app/format.js";
import type { SearchHit } from "./api.js";
import { Highlight } from "./Highlight.js";

/** Where a hit lives and when, unless its title already says where ("#general" in #general). */
export function HitContext({ hit, now }: { hit: SearchHit; now: number }) {
  const context = hit.context && !hit.title.text.includes(hit.context) ? hit.context : null;
  if (!context && !hit.at) return null;
  return (
    <Text size="xs" c="dimmed" lineClamp={1}>
      {context}
      {context && hit.at && " · "}
      {hit.at && (
        <time dateTime={hit.at} title={formatDateTime(hit.at)}>
          {formatRelativeTime(hit.at, now)}
        </time>
      )}
    </Text>
  );
}

/** The words around the match, the matches marked. */
export function HitSnippet({ hit, id }: { hit: SearchHit; id?: string }) {
  if (!hit.snippet) return null;
  return (
    <Text size="sm" lineClamp={2} id={id}>
      <Highlight value={hit.snippet} />
    </Text>
  );
}
