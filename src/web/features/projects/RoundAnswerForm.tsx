import {
  Alert,
  Anchor,
  Badge,
  Button,
  FileButton,
  Group,
  Paper,
  Radio,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { isApiError } from "../../app/api.js";
import { formatBytes, formatDateTime } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import {
  type Answers,
  type FeedbackQuestion,
  type FeedbackResponse,
  feedbackApi,
  feedbackKeys,
  type Round,
  triageColors,
  triageLabels,
} from "./feedback-api.js";

const ratings = ["1", "2", "3", "4", "5"];

function QuestionInput({
  question,
  value,
  error,
  disabled,
  onChange,
}: {
  question: FeedbackQuestion;
  value: number | string | undefined;
  error: string | undefined;
  disabled: boolean;
  onChange: (value: number | string) => void;
}) {
  const labelId = `question-${question.id}`;
  const label = (
    <Text size="sm" fw={500} id={labelId}>
      {question.prompt}
      {question.required && (
        <Text span c="red" aria-hidden>
          {" "}
          *
        </Text>
      )}
    </Text>
  );
  if (question.kind === "rating") {
    return (
      <Stack gap={4} data-testid="rating-question">
        {label}
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            1 = poor
          </Text>
          <SegmentedControl
            aria-labelledby={labelId}
            data={ratings}
            value={value === undefined ? "" : String(value)}
            onChange={(rating) => onChange(Number(rating))}
            disabled={disabled}
          />
          <Text size="xs" c="dimmed">
            5 = excellent
          </Text>
        </Group>
        {error && (
          <Text size="xs" c="red">
            {error}
          </Text>
        )}
      </Stack>
    );
  }
  if (question.kind === "choice") {
    return (
      <Radio.Group
        label={question.prompt}
        withAsterisk={question.required}
        value={value === undefined ? null : String(value)}
        onChange={onChange}
        error={error}
      >
        <Stack gap={6} mt={6}>
          {(question.options ?? []).map((option) => (
            <Radio key={option} value={option} label={option} disabled={disabled} />
          ))}
        </Stack>
      </Radio.Group>
    );
  }
  return (
    <Textarea
      label={question.prompt}
      withAsterisk={question.required}
      autosize
      minRows={3}
      value={value === undefined ? "" : String(value)}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
      disabled={disabled}
    />
  );
}

/** Staff's answer to the participant's feedback: the triage state and their reply. */
function StaffAnswer({ response }: { response: FeedbackResponse }) {
  return (
    <Paper withBorder p="sm" data-testid="staff-triage">
      <Stack gap={4}>
        <Group gap="xs">
          <Text size="sm" fw={500}>
            Product team:
          </Text>
          <Badge color={triageColors[response.triage]} variant="light">
            {triageLabels[response.triage]}
          </Badge>
          {response.triagedBy && response.triagedAt && (
            <Text size="xs" c="dimmed">
              {response.triagedBy.name}, {formatDateTime(response.triagedAt)}
            </Text>
          )}
        </Group>
        {response.staffReplyHtml && (
          <div data-testid="staff-reply">
            <ServerHtml html={response.staffReplyHtml} />
          </div>
        )}
      </Stack>
    </Paper>
  );
}

function ResponseFiles({
  projectId,
  round,
  response,
}: {
  projectId: string;
  round: Round;
  response: FeedbackResponse;
}) {
  const queryClient = useQueryClient();
  const upload = useMutation({
    mutationFn: (file: File) => feedbackApi.attach(projectId, round.id, file),
    onSuccess: async (file) => {
      notifySuccess(`${file.filename} is attached.`);
      await queryClient.invalidateQueries({ queryKey: feedbackKeys.round(projectId, round.id) });
    },
  });
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Files
      </Text>
      {response.files.length === 0 && (
        <Text size="sm" c="dimmed">
          No files attached. Screenshots help us see what you saw.
        </Text>
      )}
      {response.files.map((file) => (
        <Text size="sm" key={file.id}>
          <Anchor href={file.url} download={file.filename}>
            {file.filename}
          </Anchor>{" "}
          <Text span size="xs" c="dimmed">
            {formatBytes(file.size)}
          </Text>
        </Text>
      ))}
      <ErrorAlert error={upload.error} />
      {round.status === "open" && (
        <FileButton
          onChange={(file) => file && upload.mutate(file)}
          inputProps={{ "aria-label": "Attach a file" }}
        >
          {(props) => (
            <Button {...props} variant="default" size="xs" w="fit-content" loading={upload.isPending}>
              Attach a file
            </Button>
          )}
        </FileButton>
      )}
    </Stack>
  );
}

/**
 * A participant's side of a round: the questions, answerable and editable while the round is open
 * (for organisation scope the answer is the organisation's, so colleagues edit the same one), files,
 * and what the product team made of it.
 */
export function RoundAnswerForm({ projectId, round }: { projectId: string; round: Round }) {
  const mine = round.myResponse;
  const [answers, setAnswers] = useState<Answers>(mine?.answers ?? {});
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => feedbackApi.answer(projectId, round.id, answers, mine?.updatedAt),
    onSuccess: async () => {
      notifySuccess(mine ? "Your answer is updated." : "Thank you, your answer is in.");
      await queryClient.invalidateQueries({ queryKey: feedbackKeys.rounds(projectId) });
    },
  });
  const open = round.status === "open";
  // The server names a bad answer `answers.<questionId>`.
  const fieldErrors = isApiError(save.error) ? save.error.fields : {};
  return (
    <Stack>
      {round.status === "upcoming" && (
        <Alert color="gray">This round opens on {formatDateTime(round.opensAt)}.</Alert>
      )}
      {round.status === "closed" && (
        <Alert color="gray">
          This round closed on {formatDateTime(round.closesAt)}; answers can no longer change.
        </Alert>
      )}
      {mine && (
        // What a link to this answer (the team's triage notification) brings into view.
        <Stack gap="xs" id={`answer-${mine.id}`}>
          <Text size="sm" c="dimmed">
            {round.answerScope === "organisation"
              ? `${mine.organisation.name}'s answer, last saved by ${mine.answeredBy.name} on ${formatDateTime(mine.updatedAt)}.`
              : `Your answer, last saved on ${formatDateTime(mine.updatedAt)}.`}
          </Text>
          {mine.triage !== "new" || mine.staffReplyHtml ? (
            <StaffAnswer response={mine} />
          ) : (
            <Text size="sm" c="dimmed">
              The product team has not looked at this answer yet.
            </Text>
          )}
        </Stack>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
        noValidate
        data-testid="answer-form"
      >
        <Stack>
          <ErrorAlert error={save.error} />
          {round.questions.map((question) => (
            <QuestionInput
              key={question.id}
              question={question}
              value={answers[question.id]}
              error={fieldErrors[`answers.${question.id}`]}
              disabled={!open}
              onChange={(value) => setAnswers((current) => ({ ...current, [question.id]: value }))}
            />
          ))}
          {open && (
            <Button type="submit" loading={save.isPending} w="fit-content">
              {mine ? "Update answer" : "Send answer"}
            </Button>
          )}
        </Stack>
      </form>
      {mine && <ResponseFiles projectId={projectId} round={round} response={mine} />}
    </Stack>
  );
}
