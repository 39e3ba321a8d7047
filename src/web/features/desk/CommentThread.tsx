import { Badge, Group, Paper, Stack, Text } from "@mantine/core";
import { useEffect } from "react";
import { useLocation } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { PersonName } from "../../app/ui/StaffBadge.js";
import { DraftArticleButton } from "../knowledge/DraftArticleButton.js";
import type { Comment } from "./api.js";
import { ServerHtml } from "./ServerHtml.js";

/** Internal notes look unlike public replies, so nobody mistakes what the customer can read. */
function CommentCard({ comment, staffView }: { comment: Comment; staffView: boolean }) {
  return (
    <Paper
      withBorder
      p="md"
      bg={comment.internal ? "yellow.1" : undefined}
      bd={comment.internal ? "1px solid var(--mantine-color-yellow-5)" : undefined}
      id={`comment-${comment.id}`}
      data-testid={comment.internal ? "internal-note" : "comment"}
      component="article"
    >
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Group gap="xs">
            <PersonName name={comment.author.name} isStaff={comment.author.isStaff} />
            {comment.internal && (
              <Badge color="yellow" variant="filled" c="dark" tt="none">
                Internal note
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {formatDateTime(comment.createdAt)}
          </Text>
        </Group>
        <ServerHtml html={comment.bodyHtml} />
        {staffView && (
          <Group justify="flex-end">
            <DraftArticleButton kind="ticket_comment" id={comment.id} />
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** `staffView` offers the product team to turn an answer into a help article. */
export function CommentThread({ comments, staffView }: { comments: Comment[]; staffView: boolean }) {
  const { hash } = useLocation();
  // A link to a comment (`#comment-<id>`, as the inbox sends) arrives before the comments do.
  useEffect(() => {
    if (!hash.startsWith("#comment-") || comments.length === 0) return;
    document.getElementById(hash.slice(1))?.scrollIntoView({ block: "center" });
  }, [hash, comments.length]);
  if (comments.length === 0) return <Text c="dimmed">No replies yet.</Text>;
  return (
    // Replies arriving live (the page follows the ticket's events) are read out as they appear.
    <Stack gap="sm" aria-live="polite" aria-relevant="additions">
      {comments.map((comment) => (
        <CommentCard key={comment.id} comment={comment} staffView={staffView} />
      ))}
    </Stack>
  );
}
