import { Anchor, Badge, Button, Group, Paper, Stack, Text, VisuallyHidden } from "@mantine/core";
import { IconArrowBigUp, IconArrowBigUpFilled, IconMessageCircle } from "@tabler/icons-react";
import { Link } from "react-router";
import { ideaModuleLabels, ideaStatusLabels } from "../../../server/modules/ideas/contracts/ideas.js";
import { type IdeaStatus, type IdeaSummary, useVote } from "./api.js";
import { statusColours } from "./labels.js";

export function IdeaStatusBadge({ status }: { status: IdeaStatus }) {
  return (
    <Badge color={statusColours[status]} variant="light" tt="none">
      {ideaStatusLabels[status]}
    </Badge>
  );
}

/**
 * One vote per person: a toggle, pressed while I vote for it. Its name says what it is for and how many
 * voted; the state is `aria-pressed`, so the name stays the same when it is pressed.
 */
export function VoteButton({ idea }: { idea: Pick<IdeaSummary, "id" | "title" | "votes" | "voted"> }) {
  const vote = useVote();
  const Icon = idea.voted ? IconArrowBigUpFilled : IconArrowBigUp;
  return (
    <Button
      variant={idea.voted ? "filled" : "default"}
      leftSection={<Icon size={18} aria-hidden />}
      aria-pressed={idea.voted}
      // Beside a long title the row would squeeze it until its count (a clipped label) disappears.
      style={{ flexShrink: 0 }}
      loading={vote.isPending}
      onClick={() => vote.mutate({ id: idea.id, vote: !idea.voted })}
    >
      <VisuallyHidden>Vote for {idea.title}, </VisuallyHidden>
      {idea.votes}
      <VisuallyHidden> {idea.votes === 1 ? "vote" : "votes"}</VisuallyHidden>
    </Button>
  );
}

/** An idea in a list or a roadmap column: its vote, title, area, status and discussion. */
export function IdeaCard({ idea, showStatus = true }: { idea: IdeaSummary; showStatus?: boolean }) {
  return (
    <Paper withBorder p="md" component="li">
      <Group align="flex-start" wrap="nowrap" gap="md">
        <VoteButton idea={idea} />
        <Stack gap={4} miw={0}>
          <Anchor component={Link} to={`/ideas/${idea.id}`} fw={600}>
            {idea.title}
          </Anchor>
          <Group gap="xs">
            {showStatus && <IdeaStatusBadge status={idea.status} />}
            <Badge variant="outline" color="gray" tt="none">
              {ideaModuleLabels[idea.module]}
            </Badge>
            <Text size="sm" c="dimmed" component="span">
              <IconMessageCircle size={14} aria-hidden style={{ verticalAlign: "middle" }} /> {idea.comments}{" "}
              {idea.comments === 1 ? "comment" : "comments"} · by {idea.author.name}
            </Text>
          </Group>
        </Stack>
      </Group>
    </Paper>
  );
}
