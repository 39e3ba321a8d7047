import { Button, Group, NumberInput, Select, SimpleGrid, Stack, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import {
  type Study,
  type StudyChanges,
  type StudyPhase,
  studyPhaseOptions,
  useStudySaved,
} from "./studies-api.js";

type Values = {
  protocolNumber: string;
  title: string;
  sponsor: string;
  phase: StudyPhase | "";
  plannedEnrolment: number | string;
  reason: string;
};

type StudyFormProps = {
  /** The study to edit, or null for a new one. */
  study: Study | null;
  submitLabel: string;
  submit: (body: Required<Omit<StudyChanges, "status" | "reason">> & { reason?: string }) => Promise<Study>;
  onSaved: (study: Study) => void;
};

/** A study's own fields, for a new study or an edit; an active study's edit asks for a reason. */
export function StudyForm({ study, submitLabel, submit, onSaved }: StudyFormProps) {
  const studySaved = useStudySaved();
  const needsReason = study?.status === "active";
  const form = useForm<Values>({
    initialValues: {
      protocolNumber: study?.protocolNumber ?? "",
      title: study?.title ?? "",
      sponsor: study?.sponsor ?? "",
      phase: study?.phase ?? "",
      plannedEnrolment: study?.plannedEnrolment ?? "",
      reason: "",
    },
    validate: {
      protocolNumber: isNotEmpty("Enter the protocol number."),
      title: isNotEmpty("Enter a title."),
      sponsor: isNotEmpty("Enter the sponsor."),
      phase: isNotEmpty("Choose a phase."),
      plannedEnrolment: isNotEmpty("Plan at least 1 participant."),
      reason: (value) =>
        needsReason && !value.trim()
          ? "Give a reason: changes to an active study are recorded with one."
          : null,
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: Values) =>
      submit({
        protocolNumber: values.protocolNumber,
        title: values.title,
        sponsor: values.sponsor,
        phase: values.phase as StudyPhase,
        plannedEnrolment: Number(values.plannedEnrolment),
        ...(needsReason ? { reason: values.reason } : {}),
      }),
    {
      onSuccess: (saved: Study) => {
        notifySuccess(study ? `${saved.protocolNumber} saved.` : `${saved.protocolNumber} created.`);
        studySaved(saved);
        onSaved(saved);
      },
      afterSuccess: study ? "keep" : "reset",
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Protocol number"
            placeholder="NW-102"
            required
            {...form.getInputProps("protocolNumber")}
          />
          <TextInput label="Sponsor" required {...form.getInputProps("sponsor")} />
        </SimpleGrid>
        <TextInput label="Title" required {...form.getInputProps("title")} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Phase"
            data={studyPhaseOptions}
            allowDeselect={false}
            required
            {...form.getInputProps("phase")}
          />
          <NumberInput
            label="Planned enrolment"
            description="Participants across every cohort"
            min={1}
            allowDecimal={false}
            allowNegative={false}
            required
            {...form.getInputProps("plannedEnrolment")}
          />
        </SimpleGrid>
        {needsReason && (
          <Textarea
            label="Reason for the change"
            description="The study is active: the audit trail records why it changed."
            autosize
            minRows={2}
            {...form.getInputProps("reason")}
          />
        )}
        <Group>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
