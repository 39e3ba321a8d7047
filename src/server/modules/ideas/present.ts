import { renderMarkdown } from "../../platform/markdown.js";
import type { IdeaComment, IdeaSummary } from "./contracts/ideas.js";
import type { ideaComments, ideas } from "./schema.js";

export type IdeaRow = typeof ideas.$inferSelect;
export type CommentRow = typeof ideaComments.$inferSelect;
type Person = { id: string; name: string };

/** Someone whose account is gone still wrote what they wrote. */
const nameOf = (people: Map<string, Person>, id: string): Person =>
  people.get(id) ?? { id, name: "Former member" };

export function presentSummary(
  row: IdeaRow,
  extra: {
    votes: number;
    comments: number;
    voted: boolean;
    mergedInto: { id: string; title: string } | null;
    people: Map<string, Person>;
  },
): IdeaSummary {
  return {
    id: row.id,
    title: row.title,
    module: row.module,
    status: row.status,
    votes: extra.votes,
    comments: extra.comments,
    voted: extra.voted,
    mergedInto: extra.mergedInto,
    author: nameOf(extra.people, row.authorId),
    createdAt: row.createdAt.toISOString(),
  };
}

export function presentComment(row: CommentRow, people: Map<string, Person>): IdeaComment {
  const author = nameOf(people, row.authorId);
  return {
    id: row.id,
    author: { id: author.id, name: author.name },
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    createdAt: row.createdAt.toISOString(),
  };
}
