import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconX } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { isApiError } from "../../app/api.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { useFlags } from "../sandbox/operations-api.js";
import {
  type AnswerScope,
  feedbackApi,
  type QuestionKind,
  questionKindLabels,
  type Round,
  type RoundInput,
  useRoundRefresh,
} from "./feedback-api.js";

/** A question row; `key` keeps each row's inputs in place when one above is removed. */
type QuestionValues = { key: string; kind: QuestionKind; prompt: string; options: string; required: boolean };
type RoundValues = {
  title: string;
  description: string;
  questions: QuestionValues[];
  opensAt: string;
  closesAt: string;
  answerScope: AnswerScope;
  flagKey: string;
};

const kindOptions = Object.entries(questionKindLabels).map(([value, label]) => ({ value, label }));
const DAY = 24 * 60 * 60 * 1000;

/** A moment as a `datetime-local` input shows it: the person's local time, to the minute. */
function localInput(at: Date): string {
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

const newQuestion = (kind: QuestionKind = "rating"): QuestionValues => ({
  key: crypto.randomUUID(),
  kind,
  prompt: "",
  options: "",
  required: true,
});

/** Choice options are typed one per line; blank lines are not options. */
const optionsOf = (text: string) =>
  text
    .split("\n")
    .map((option) => option.trim())
    .filter(Boolean);

function inputOf(values: RoundValues): RoundInput {
  return {
    title: values.title.trim(),
    description: values.description.trim(),
    questions: values.questions.map((question) => ({
      kind: question.kind,
      prompt: question.prompt.trim(),
      required: question.required,
      ...(question.kind === "choice" ? { options: optionsOf(question.options) } : {}),
    })),
    opensAt: new Date(values.opensAt).toISOString(),
    closesAt: new Date(values.closesAt).toISOString(),
    answerScope: values.answerScope,
    ...(values.flagKey ? { flagKey: values.flagKey } : {}),
  };
}

function useRoundForm() {
  const now = new Date();
  return useForm<RoundValues>({
    initialValues: {
      title: "",
      description: "",
      questions: [newQuestion()],
      opensAt: localInput(now),
      closesAt: localInput(new Date(now.getTime() + 14 * DAY)),
      answerScope: "organisation",
      flagKey: "",
    },
    validate: {
      title: (value) => (value.trim() ? null : "Give the round a title."),
      questions: {
        prompt: (value) => (value.trim() ? null : "Write the question."),
        options: (value, values, path) => {
          const index = Number(path.split(".")[1]);
          if (values.questions[index]?.kind !== "choice") return null;
          return optionsOf(value).length >= 2 ? null : "Give at least two options, one per line.";
        },
      },
      opensAt: (value) => (value ? null : "Choose when the round opens."),
      closesAt: (value, values) =>
        !value
          ? "Choose when the round closes."
          : new Date(value) <= new Date(values.opensAt)
            ? "The round must close after it opens."
            : null,
    },
  });
}

type RoundFormApi = ReturnType<typeof useRoundForm>;

function QuestionRow({ form, index }: { form: RoundFormApi; index: number }) {
  const question = form.getValues().questions[index];
  if (!question) return null;
  return (
    <Paper withBorder p="sm" data-testid="question-row">
      <Stack gap="xs">
        <Group align="flex-start" gap="xs">
          <NativeSelect
            label={`Question ${index + 1} kind`}
            data={kindOptions}
            style={{ flex: "0 0 150px" }}
            {...form.getInputProps(`questions.${index}.kind`)}
          />
          <TextInput
            label={`Question ${index + 1}`}
            placeholder="How easy was receiving a lot?"
            style={{ flex: "1 1 240px" }}
            {...form.getInputProps(`questions.${index}.prompt`)}
          />
          <Tooltip label="Remove this question">
            <ActionIcon
              variant="subtle"
              color="red"
              mt={26}
              aria-label={`Remove question ${index + 1}`}
              onClick={() => form.removeListItem("questions", index)}
            >
              <UiIcon icon={IconX} />
            </ActionIcon>
          </Tooltip>
        </Group>
        {question.kind === "choice" && (
          <Textarea
            label="Options"
            description="One per line; people pick one."
            autosize
            minRows={2}
            {...form.getInputProps(`questions.${index}.options`)}
          />
        )}
        <Checkbox
          label="An answer is required"
          {...form.getInputProps(`questions.${index}.required`, { type: "checkbox" })}
        />
      </Stack>
    </Paper>
  );
}

/** Staff open a feedback round: what to ask, when, who answers (each organisation once or each person), and the flag it is about. */
export function RoundForm({ projectId, onDone }: { projectId: string; onDone: (round?: Round) => void }) {
  const form = useRoundForm();
  const flags = useFlags();
  const refresh = useRoundRefresh(projectId);
  const [alert, setAlert] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (values: RoundValues) => feedbackApi.create(projectId, inputOf(values)),
    onMutate: () => setAlert(null),
    onSuccess: async (round) => {
      notifySuccess(`${round.title} is created.`);
      await refresh();
      onDone(round);
    },
    onError: (error) => {
      // Server paths such as `questions.1.options` name the inputs directly.
      if (isApiError(error)) form.setErrors(error.fields);
      setAlert(error.message);
    },
  });
  const questions = form.getValues().questions;
  return (
    <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate data-testid="round-form">
      <Stack>
        <ErrorAlert error={alert} />
        <TextInput label="Title" required {...form.getInputProps("title")} />
        <Textarea
          label="Description"
          description="Markdown. What to try and what you want to learn."
          autosize
          minRows={3}
          {...form.getInputProps("description")}
        />
        <Stack gap="xs">
          <Group justify="space-between">
            <Text fw={500} size="sm">
              Questions
            </Text>
            <Button variant="light" size="xs" onClick={() => form.insertListItem("questions", newQuestion())}>
              Add question
            </Button>
          </Group>
          {questions.length === 0 && (
            <Text size="sm" c="red">
              Add at least one question.
            </Text>
          )}
          {questions.map((question, index) => (
            <QuestionRow key={question.key} form={form} index={index} />
          ))}
          {typeof form.errors.questions === "string" && (
            <Text size="sm" c="red">
              {form.errors.questions}
            </Text>
          )}
        </Stack>
        <Group grow align="flex-start">
          <TextInput
            type="datetime-local"
            label="Opens"
            description="Your local time"
            {...form.getInputProps("opensAt")}
          />
          <TextInput
            type="datetime-local"
            label="Closes"
            description="Your local time"
            {...form.getInputProps("closesAt")}
          />
        </Group>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="answer-scope-label">
            Who answers
          </Text>
          <SegmentedControl
            aria-labelledby="answer-scope-label"
            w="fit-content"
            data={[
              { value: "organisation", label: "Once per organisation" },
              { value: "person", label: "Each person" },
            ]}
            {...form.getInputProps("answerScope")}
          />
        </Stack>
        <Select
          label="Feature flag"
          description="Optional: the feature in the development environment this round is about."
          placeholder={flags.error ? "The flags could not be loaded" : "None"}
          data={(flags.data ?? []).map((flag) => ({ value: flag.key, label: `${flag.name} (${flag.key})` }))}
          clearable
          value={form.getValues().flagKey || null}
          onChange={(value) => form.setFieldValue("flagKey", value ?? "")}
          error={form.errors.flagKey}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onDone()}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={questions.length === 0}>
            Create round
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
