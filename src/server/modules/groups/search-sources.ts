import { markdownExcerpt } from "../../platform/markdown.js";
import { defineSearchKind } from "../../platform/search/engine.js";
import { fromHeadline, highlightName } from "../../platform/search/text-query.js";
import { matchingGroupMessages, matchingGroups, matchingTopics } from "./search.js";

/**
 * The group topics, messages and groups of the one search, found by the same queries as the groups'
 * search box (search.ts), so by the rules of policy.ts. `in:` names a group by its handle, `from:` an
 * author.
 */

const topicPath = (handle: string, topicId: string) => `/groups/${handle}/topics/${topicId}`;

defineSearchKind("topic", async (ctx, search) =>
  (await matchingTopics(ctx, search)).map((topic) => ({
    kind: "topic" as const,
    id: topic.id,
    title: highlightName(topic.subject, search.text.parsed),
    snippet: null,
    context: topic.group.name,
    path: topicPath(topic.group.handle, topic.id),
    at: topic.createdAt.toISOString(),
    rank: Number(topic.rank),
  })),
);

defineSearchKind("group_message", async (ctx, search) =>
  (await matchingGroupMessages(ctx, search)).map((message) => ({
    kind: "group_message" as const,
    id: message.id,
    // The topic it was posted in; what matched is in the snippet.
    title: { text: message.subject, marks: [] },
    snippet: fromHeadline(message.headline),
    context: message.group.name,
    path: `${topicPath(message.group.handle, message.topicId)}?message=${message.id}`,
    at: message.createdAt.toISOString(),
    rank: Number(message.rank),
  })),
);

/** Groups by name, handle or description; they have no place, author or day, so a query narrowed by those is not about them. */
defineSearchKind("group", async (ctx, search) => {
  const { text } = search;
  const { parsed } = text;
  if (!text.hasText || parsed.in || parsed.from || parsed.before || parsed.after) return [];
  return (await matchingGroups(ctx, search)).map((group) => ({
    kind: "group" as const,
    id: group.id,
    title: highlightName(group.name, parsed),
    // The description as the directory shows it: its start, one line of plain text.
    snippet: group.description ? highlightName(markdownExcerpt(group.description), parsed) : null,
    // The handle is what `in:` takes.
    context: `@${group.handle}`,
    path: `/groups/${group.handle}`,
    at: null,
    rank: Number(group.rank),
  }));
});
