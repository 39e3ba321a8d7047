import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { isInRange, isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import {
  volunteerFieldLabels as label,
  type RecruitmentStatus,
  recruitmentStatusLabels,
  type Sex,
  settableStatusOptions,
  sexOptions,
  type Volunteer,
  type VolunteerChanges,
  type VolunteerInput,
  volunteerKeys,
  volunteersApi,
} from "./volunteers-api.js";

type FormValues = {
  firstName: string;
  lastName: string;
  sex: Sex | null;
  dateOfBirth: string;
  email: string;
  phone: string;
  region: string;
  heightCm: number | string;
  weightKg: number | string;
  smoker: boolean;
  recruitmentStatus: RecruitmentStatus;
  medicalHistory: string;
  reason: string;
};

function initialValues(volunteer: Volunteer | undefined): FormValues {
  return {
    firstName: volunteer?.firstName ?? "",
    lastName: volunteer?.lastName ?? "",
    sex: volunteer?.sex ?? null,
    dateOfBirth: volunteer?.dateOfBirth ?? "",
    email: volunteer?.email ?? "",
    phone: volunteer?.phone ?? "",
    region: volunteer?.region ?? "",
    heightCm: volunteer?.heightCm ?? "",
    weightKg: volunteer?.weightKg ?? "",
    smoker: volunteer?.smoker ?? false,
    recruitmentStatus: volunteer?.recruitmentStatus ?? "prospect",
    medicalHistory: volunteer?.medicalHistory ?? "",
    reason: "",
  };
}

/** The record as the API takes it: empty contact details are "none", numbers are numbers. */
function toInput(values: FormValues): VolunteerInput {
  return {
    firstName: values.firstName.trim(),
    lastName: values.lastName.trim(),
    sex: values.sex as Sex,
    dateOfBirth: values.dateOfBirth,
    email: values.email.trim() || null,
    phone: values.phone.trim() || null,
    region: values.region.trim(),
    heightCm: Number(values.heightCm),
    weightKg: Number(values.weightKg),
    smoker: values.smoker,
    recruitmentStatus: values.recruitmentStatus as VolunteerInput["recruitmentStatus"],
    medicalHistory: values.medicalHistory.trim(),
  };
}

/** Only what changed, so the audit trail and the PHI guard see the edit, not the whole record again. */
function changesOf(before: Volunteer, values: FormValues): VolunteerChanges {
  const after = toInput(values);
  const original = toInput(initialValues(before));
  const changes: VolunteerChanges = {};
  for (const key of Object.keys(after) as (keyof VolunteerInput)[]) {
    if (after[key] !== original[key]) Object.assign(changes, { [key]: after[key] });
  }
  if (Object.keys(changes).length === 0) throw new Error("Nothing changed: edit a field before saving.");
  return values.reason.trim() ? { ...changes, reason: values.reason.trim() } : changes;
}

/** A preview only: the server computes the stored BMI from the same two numbers, to one decimal. */
function bmiPreview(heightCm: number | string, weightKg: number | string): string {
  const metres = Number(heightCm) / 100;
  const kg = Number(weightKg);
  if (!(metres > 0 && kg > 0)) return "—";
  return (Math.round((kg / (metres * metres)) * 10) / 10).toFixed(1);
}

type Props = {
  /** The volunteer to change (read with the full display); without one, the form adds a volunteer. */
  volunteer?: Volunteer;
  onSaved: (volunteer: Volunteer) => void;
  onCancel: () => void;
  /** Told whether the form holds changes, so its dialog can ask before discarding them. */
  onDirtyChange?: (dirty: boolean) => void;
};

/**
 * Adds or changes a volunteer. The server's PHI guard names the field and the reason for anything that
 * looks real; those refusals land on the field. Changing an enrolled volunteer asks for a reason, and
 * their status is shown, not offered: it follows their enrolment, as `enrolled` is never set by hand.
 */
export function VolunteerForm({ volunteer, onSaved, onCancel, onDirtyChange }: Props) {
  const queryClient = useQueryClient();
  // An enrolled volunteer's changes need a reason, and their status follows the enrolment.
  const enrolled = volunteer?.recruitmentStatus === "enrolled";
  const form = useForm<FormValues>({
    initialValues: initialValues(volunteer),
    validate: {
      firstName: isNotEmpty("Enter a first name."),
      lastName: isNotEmpty("Enter a last name."),
      sex: isNotEmpty("Choose female or male."),
      dateOfBirth: isNotEmpty("Enter the date of birth."),
      region: isNotEmpty("Enter a region."),
      heightCm: isInRange({ min: 100, max: 250 }, "Enter a height of 100 to 250 cm."),
      weightKg: isInRange({ min: 0.1, max: 400 }, "Enter a weight above 0 and at most 400 kg."),
      reason: (value) =>
        enrolled && !value.trim()
          ? "Give a reason: changes to an enrolled volunteer are recorded with one."
          : null,
    },
  });
  const dirty = form.isDirty();
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: FormValues) =>
      volunteer
        ? volunteersApi.update(volunteer.id, changesOf(volunteer, values))
        : volunteersApi.create(toInput(values)),
    {
      onSuccess: (saved) => {
        void queryClient.invalidateQueries({ queryKey: volunteerKeys.all });
        void queryClient.invalidateQueries({ queryKey: ["sandbox", "audit"] });
        onSaved(saved);
      },
      afterSuccess: volunteer ? "keep" : "reset",
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate data-testid="volunteer-form">
      <Stack>
        <Text size="sm" c="dimmed">
          Use made-up data only: e-mails at example.com (or another reserved test domain) and fictional phone
          numbers such as 555-0100 to 555-0199. Anything that looks real is refused.
        </Text>
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={label.firstName} required {...form.getInputProps("firstName")} />
          <TextInput label={label.lastName} required {...form.getInputProps("lastName")} />
          <Select label={label.sex} required data={sexOptions} {...form.getInputProps("sex")} />
          <TextInput label={label.dateOfBirth} type="date" required {...form.getInputProps("dateOfBirth")} />
          <TextInput
            label={label.email}
            type="email"
            placeholder="jane.doe@example.com"
            {...form.getInputProps("email")}
          />
          <TextInput label={label.phone} placeholder="555-0123" {...form.getInputProps("phone")} />
          <TextInput label={label.region} required {...form.getInputProps("region")} />
          {enrolled ? (
            <TextInput
              label={label.recruitmentStatus}
              value={recruitmentStatusLabels.enrolled}
              description="Follows the enrolment: withdraw or complete it under Studies → Subjects."
              readOnly
            />
          ) : (
            <Select
              label={label.recruitmentStatus}
              data={settableStatusOptions}
              allowDeselect={false}
              {...form.getInputProps("recruitmentStatus")}
            />
          )}
          <NumberInput
            label={label.heightCm}
            required
            allowDecimal={false}
            {...form.getInputProps("heightCm")}
          />
          <NumberInput label={label.weightKg} required decimalScale={1} {...form.getInputProps("weightKg")} />
        </SimpleGrid>
        <Group gap="xs">
          <Text size="sm">BMI (computed):</Text>
          <Text size="sm" fw={500} data-testid="bmi-preview">
            {bmiPreview(form.values.heightCm, form.values.weightKg)}
          </Text>
        </Group>
        <Checkbox label={label.smoker} {...form.getInputProps("smoker", { type: "checkbox" })} />
        <Textarea
          label={label.medicalHistory}
          autosize
          minRows={3}
          {...form.getInputProps("medicalHistory")}
        />
        {enrolled && (
          <TextInput
            label="Reason for the change"
            description="This volunteer is enrolled: the audit trail records why their record changed."
            required
            {...form.getInputProps("reason")}
          />
        )}
        <Group>
          <Button type="submit" loading={pending}>
            {volunteer ? "Save changes" : "Add volunteer"}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
