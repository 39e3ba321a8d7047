import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatBytes, formatDateTime } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { BarChart } from "./BarChart.js";
import {
  type FeedbackResponse,
  feedbackApi,
  feedbackKeys,
  type QuestionSummary,
  type Round,
  responsesCsvUrl,
  type SummaryPostCategory,
  type TriageState,
  triageColors,
  triageLabels,
  triageOptions,
  useResponses,
  useRoundResults,
} from "./feedback-api.js";

type ResultsProps = { projectId: string; round: Round };

function answerText(round: Round, questionId: string, answer: number | string | undefined): string {
  if (answer === undefined || answer === "") return "—";
  const question = round.questions.find((candidate) => candidate.id === questionId);
  return question?.kind === "rating" ? `${answer} of 5` : String(answer);
}

/** One answer as staff see it, with the triage state and the reply the participant will read. */
function ResponseCard({ projectId, round, response }: ResultsProps & { response: FeedbackResponse }) {
  const [triage, setTriage] = useState<TriageState>(response.triage);
  const [reply, setReply] = useState(response.staffReply ?? "");
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      feedbackApi.triage(projectId, round.id, response.id, { triage, staffReply: reply.trim() || null }),
    onSuccess: async () => {
      notifySuccess(`Triage of ${response.organisation.name}'s answer is saved.`);
      await queryClient.invalidateQueries({ queryKey: feedbackKeys.responses(projectId, round.id) });
    },
  });
  return (
    <Paper withBorder p="md" id={`answer-${response.id}`} data-testid="response">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={500}>
            {response.organisation.name}
            <Text span size="sm" c="dimmed">
              {" "}
              · {response.answeredBy.name} · {formatDateTime(response.updatedAt)}
            </Text>
          </Text>
          <Badge color={triageColors[response.triage]} variant="light">
            {triageLabels[response.triage]}
          </Badge>
        </Group>
        <Stack gap={4} component="dl" m={0}>
          {round.questions.map((question) => (
            <div key={question.id}>
              <Text size="sm" c="dimmed" component="dt">
                {question.prompt}
              </Text>
              <Text size="sm" component="dd" m={0} style={{ whiteSpace: "pre-wrap" }}>
                {answerText(round, question.id, response.answers[question.id])}
              </Text>
            </div>
          ))}
        </Stack>
        {response.files.length > 0 && (
          <Group gap="xs">
            {response.files.map((file) => (
              <Anchor key={file.id} href={file.url} size="sm" download={file.filename}>
                {file.filename} ({formatBytes(file.size)})
              </Anchor>
            ))}
          </Group>
        )}
        {response.staffReplyHtml && (
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              Reply they see{response.triagedBy ? `, by ${response.triagedBy.name}` : ""}
            </Text>
            <ServerHtml html={response.staffReplyHtml} />
          </Stack>
        )}
        <Group align="flex-end" gap="sm">
          <Select
            label="Triage"
            data={triageOptions}
            value={triage}
            onChange={(value) => value && setTriage(value as TriageState)}
            allowDeselect={false}
            w={180}
          />
          <Textarea
            label="Reply to them"
            description="Markdown; the answering organisation reads it on the round."
            autosize
            minRows={1}
            value={reply}
            onChange={(event) => setReply(event.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button loading={save.isPending} onClick={() => save.mutate()}>
            Save triage
          </Button>
        </Group>
        <ErrorAlert error={save.error} />
      </Stack>
    </Paper>
  );
}

function QuestionChart({ question }: { question: QuestionSummary }) {
  if (question.ratingDistribution) {
    const distribution = question.ratingDistribution;
    const bars = (["1", "2", "3", "4", "5"] as const).map((rating) => ({
      label: `${rating} of 5`,
      value: distribution[rating],
    }));
    const total = bars.reduce((sum, bar) => sum + bar.value, 0);
    const mean = total ? bars.reduce((sum, bar, index) => sum + bar.value * (index + 1), 0) / total : null;
    return (
      <Stack gap={4} data-testid="rating-chart">
        <BarChart title={question.prompt} bars={bars} />
        <Text size="xs" c="dimmed">
          {total} rating{total === 1 ? "" : "s"}
          {mean !== null && `, average ${mean.toFixed(1)}`}
        </Text>
      </Stack>
    );
  }
  if (question.choiceCounts) {
    const bars = Object.entries(question.choiceCounts).map(([label, value]) => ({ label, value }));
    return <BarChart title={question.prompt} bars={bars} />;
  }
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {question.prompt}
      </Text>
      <Text size="sm" c="dimmed">
        {question.textCount ?? question.answered} written answer
        {(question.textCount ?? question.answered) === 1 ? "" : "s"}; read them below.
      </Text>
    </Stack>
  );
}

function ResultsSummary({ projectId, round }: ResultsProps) {
  const results = useRoundResults(projectId, round.id);
  const queryClient = useQueryClient();
  const [category, setCategory] = useState<SummaryPostCategory>("announcement");
  const publish = useMutation({
    mutationFn: () => feedbackApi.publishSummary(projectId, round.id, category),
    onSuccess: async (post) => {
      notifySuccess(`"${post.title}" is posted on the project's board.`);
      await queryClient.invalidateQueries({ queryKey: ["projects", projectId] });
    },
  });
  if (results.isPending) return <PageLoader />;
  if (results.error) return <ErrorAlert error={results.error} />;
  const rateBars = results.data.responseRate.map((rate) => ({
    label: rate.organisationName,
    value: rate.invited ? rate.responded / rate.invited : 0,
    caption: `${rate.responded} of ${rate.invited}`,
  }));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3} size="h4">
          Summary
        </Title>
        <Group gap="xs">
          <Anchor href={responsesCsvUrl(projectId, round.id)} download size="sm">
            Export CSV
          </Anchor>
          <SegmentedControl
            aria-label="Post the summary as"
            size="xs"
            data={[
              { value: "announcement", label: "Announcement" },
              { value: "decision", label: "Decision" },
            ]}
            value={category}
            onChange={(value) => setCategory(value as SummaryPostCategory)}
          />
          <Button
            variant="light"
            loading={publish.isPending}
            disabled={results.data.responseCount === 0}
            onClick={() => publish.mutate()}
          >
            {round.summaryPostId ? "Publish the summary again" : "Publish summary post"}
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={publish.error} />
      <Text size="sm">
        {results.data.responseCount} answer{results.data.responseCount === 1 ? "" : "s"} so far.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <BarChart title="Response rate per organisation" bars={rateBars} max={1} />
        {results.data.questions.map((question) => (
          <QuestionChart key={question.id} question={question} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

/** Staff's view of a round: the summary with charts, then every answer as it arrives, to triage and reply to. */
export function RoundResults({ projectId, round }: ResultsProps) {
  const responses = useResponses(projectId, round.id);
  return (
    <Stack>
      <ResultsSummary projectId={projectId} round={round} />
      <Title order={3} size="h4">
        Answers
      </Title>
      {responses.isPending && <PageLoader />}
      <ErrorAlert error={responses.error} />
      {responses.data?.length === 0 && <Text c="dimmed">No answers yet.</Text>}
      {responses.data?.map((response) => (
        <ResponseCard key={response.id} projectId={projectId} round={round} response={response} />
      ))}
    </Stack>
  );
}
