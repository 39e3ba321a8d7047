import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useSearchParams } from "react-router";
import { formatDate, formatDateTime } from "../../app/format.js";
import { useRevealElement } from "../../app/scroll-to-hash.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { type Round, roundStatusColors, roundStatusLabels, useRound, useRounds } from "./feedback-api.js";
import type { Project } from "./projects-api.js";
import { RoundAnswerForm } from "./RoundAnswerForm.js";
import { RoundForm } from "./RoundForm.js";
import { RoundResults } from "./RoundResults.js";

type TabProps = { projectId: string; project: Project };

function RoundHeader({ round }: { round: Round }) {
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Title order={2} size="h3">
              {round.title}
            </Title>
            <Badge color={roundStatusColors[round.status]} variant="light">
              {roundStatusLabels[round.status]}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {formatDateTime(round.opensAt)} – {formatDateTime(round.closesAt)} ·{" "}
            {round.answerScope === "organisation" ? "one answer per organisation" : "each person answers"}
          </Text>
        </div>
        {round.tryUrl && round.flag && (
          <Button component="a" href={round.tryUrl} variant="light">
            Try it in the development environment
          </Button>
        )}
      </Group>
      {round.descriptionHtml && <ServerHtml html={round.descriptionHtml} />}
    </Stack>
  );
}

function RoundPanel({
  projectId,
  roundId,
  onBack,
}: {
  projectId: string;
  roundId: string;
  onBack: () => void;
}) {
  const round = useRound(projectId, roundId);
  return (
    <Stack>
      <Anchor component="button" type="button" size="sm" onClick={onBack} w="fit-content">
        <Group gap={4} component="span">
          <UiIcon icon={IconArrowLeft} />
          All feedback rounds
        </Group>
      </Anchor>
      {round.isPending && <PageLoader />}
      <ErrorAlert error={round.error} />
      {round.data && (
        <>
          <RoundHeader round={round.data} />
          {round.data.canManage ? (
            <RoundResults projectId={projectId} round={round.data} />
          ) : (
            // A first answer remounts the form from what the server kept.
            <RoundAnswerForm
              key={round.data.myResponse?.id ?? "new"}
              projectId={projectId}
              round={round.data}
            />
          )}
        </>
      )}
    </Stack>
  );
}

function RoundList({ projectId, onOpen }: { projectId: string; onOpen: (id: string) => void }) {
  const rounds = useRounds(projectId);
  if (rounds.isPending) return <PageLoader />;
  if (rounds.error) return <ErrorAlert error={rounds.error} />;
  if (rounds.data.length === 0) return <Text c="dimmed">No feedback rounds yet.</Text>;
  const staff = rounds.data.some((round) => round.responseCount !== null);
  return (
    <Table striped highlightOnHover aria-label="Feedback rounds">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Round</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Closes</Table.Th>
          <Table.Th>{staff ? "Answers" : "Answered"}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rounds.data.map((round) => (
          <Table.Tr key={round.id}>
            <Table.Td>
              <Anchor component="button" type="button" onClick={() => onOpen(round.id)}>
                {round.title}
              </Anchor>
              <Text size="xs" c="dimmed">
                {round.questionCount} question{round.questionCount === 1 ? "" : "s"}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge color={roundStatusColors[round.status]} variant="light">
                {roundStatusLabels[round.status]}
              </Badge>
            </Table.Td>
            <Table.Td>{formatDate(round.closesAt)}</Table.Td>
            <Table.Td>{round.responseCount ?? (round.answered ? "Yes" : "Not yet")}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Feedback rounds of the project. The open round lives in the address (`?round=…`, `?new=1` for the
 * staff form), so links and reloads land on the same view; a link to an answer in it (the team's
 * triage notification) adds `&answer=…`, which is brought into view.
 */
export function FeedbackTab({ projectId, project }: TabProps) {
  const [params, setParams] = useSearchParams();
  const roundId = params.get("round");
  const answerId = roundId && params.get("answer");
  useRevealElement(answerId ? `answer-${answerId}` : null);
  const creating = project.canManage && params.get("new") === "1";
  if (roundId) return <RoundPanel projectId={projectId} roundId={roundId} onBack={() => setParams({})} />;
  return (
    <Section
      title="Feedback rounds"
      description="Questions about features in development; answers go to the product team."
      actions={
        project.canManage &&
        !creating && (
          <Button onClick={() => setParams({ new: "1" })} disabled={project.status === "archived"}>
            New round
          </Button>
        )
      }
    >
      {creating && (
        <RoundForm projectId={projectId} onDone={(round) => setParams(round ? { round: round.id } : {})} />
      )}
      <RoundList projectId={projectId} onOpen={(id) => setParams({ round: id })} />
    </Section>
  );
}
