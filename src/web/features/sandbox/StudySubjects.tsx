import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  type OptionsFilter,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { formatDate } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import type { SandboxStatus } from "./api.js";
import { ReasonDialog } from "./ReasonDialog.js";
import {
  type Enrolment,
  enrolmentStatusColors,
  enrolmentStatusLabels,
  mayEnrol,
  type Study,
  studiesApi,
  studyKeys,
  useEnrolments,
  useVolunteerSearch,
  type Volunteer,
} from "./studies-api.js";

/** Today in the person's own calendar, as the date inputs and the API write it (YYYY-MM-DD). */
function today(): string {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

const volunteerLabel = (volunteer: Volunteer) =>
  [
    volunteer.displayId,
    volunteer.firstName ? `${volunteer.firstName} ${volunteer.lastName}` : null,
    `${volunteer.sex}, ${volunteer.ageBand}`,
    volunteer.recruitmentStatus,
  ]
    .filter(Boolean)
    .join(" · ");

/** The server already matched what was typed; the picker shows its answer as it is. */
const serverFiltered: OptionsFilter = ({ options }) => options;

/** After any enrolment change: the list, the trail, and the volunteers whose status followed it. */
function useEnrolmentChanged(studyId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: studyKeys.enrolments(studyId) });
    void queryClient.invalidateQueries({ queryKey: ["sandbox", "audit"] });
    void queryClient.invalidateQueries({ queryKey: ["sandbox", "volunteers"] });
  };
}

function VolunteerPicker({
  value,
  error,
  onChange,
}: {
  value: string;
  error?: ReactNode;
  onChange: (volunteerId: string) => void;
}) {
  const [search, setSearch] = useState("");
  const [picked, setPicked] = useState<Volunteer | null>(null);
  // Once a volunteer is picked the box shows their label; search by their display id, not by it.
  const typed = picked && search === volunteerLabel(picked) ? picked.displayId : search.trim();
  const [q] = useDebouncedValue(typed, 250);
  const found = useVolunteerSearch(q);
  const volunteers = [...(picked ? [picked] : []), ...(found.data ?? []).filter((v) => v.id !== picked?.id)];
  return (
    <Select
      label="Volunteer"
      description="Type a display id (V000123) or a name"
      placeholder="Search volunteers"
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      filter={serverFiltered}
      data={volunteers.map((volunteer) => ({ value: volunteer.id, label: volunteerLabel(volunteer) }))}
      nothingFoundMessage={found.isFetching ? "Searching…" : "No volunteer matches."}
      value={value || null}
      error={error}
      onChange={(id) => {
        setPicked(volunteers.find((volunteer) => volunteer.id === id) ?? null);
        onChange(id ?? "");
      }}
    />
  );
}

function ScreenVolunteer({ study }: { study: Study }) {
  const changed = useEnrolmentChanged(study.id);
  // Counts screenings so the picker starts empty again after each one.
  const [screened, setScreened] = useState(0);
  const form = useForm({
    initialValues: { volunteerId: "", screeningDate: today() },
    validate: {
      volunteerId: isNotEmpty("Choose a volunteer."),
      screeningDate: isNotEmpty("Enter the screening date."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: { volunteerId: string; screeningDate: string }) => studiesApi.screen(study.id, values),
    {
      onSuccess: (enrolment: Enrolment) => {
        notifySuccess(`${enrolment.volunteerDisplayId} is in screening for ${enrolment.protocolNumber}.`);
        changed();
        setScreened((count) => count + 1);
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate data-testid="screen-form">
      <Stack gap="xs">
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <div style={{ gridColumn: "span 2" }}>
            <VolunteerPicker
              key={screened}
              value={form.values.volunteerId}
              error={form.errors.volunteerId}
              onChange={(volunteerId) => form.setFieldValue("volunteerId", volunteerId)}
            />
          </div>
          <TextInput
            type="date"
            label="Screening date"
            description="Today or earlier"
            max={today()}
            required
            {...form.getInputProps("screeningDate")}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={pending}>
            Screen volunteer
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AssignToCohort({
  study,
  enrolment,
  opened,
  onClose,
}: {
  study: Study;
  enrolment: Enrolment;
  opened: boolean;
  onClose: () => void;
}) {
  const changed = useEnrolmentChanged(study.id);
  const form = useForm({
    initialValues: { cohortId: "", dosingStart: today() },
    validate: {
      cohortId: isNotEmpty("Choose a cohort."),
      dosingStart: isNotEmpty("Enter the first dosing day."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: { cohortId: string; dosingStart: string }) => studiesApi.assign(enrolment.id, values),
    {
      onSuccess: (assigned: Enrolment) => {
        notifySuccess(`${assigned.volunteerDisplayId} is subject ${assigned.subjectNumber}.`);
        changed();
        onClose();
      },
    },
  );
  const cohorts = study.cohorts.map((cohort) => ({
    value: cohort.id,
    label: `${cohort.name}: ${cohort.dose}, ${cohort.plannedSize} planned`,
  }));
  return (
    <Modal opened={opened} onClose={onClose} title={`Assign ${enrolment.volunteerDisplayId} to a cohort`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Text size="sm">
            The volunteer gets the study's next subject number. A full cohort, or a dosing period that
            overlaps another study of the volunteer's, is refused.
          </Text>
          <ErrorAlert error={error} />
          <Select
            label="Cohort"
            data={cohorts}
            allowDeselect={false}
            required
            {...form.getInputProps("cohortId")}
          />
          <TextInput type="date" label="First dosing day" required {...form.getInputProps("dosingStart")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              Assign
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type ReasonAction = "ineligible" | "withdraw" | "complete";

const reasonActions: Record<
  ReasonAction,
  { title: string; confirmLabel: string; color: string; explanation: string; done: string }
> = {
  ineligible: {
    title: "Not eligible",
    confirmLabel: "Mark not eligible",
    color: "red",
    explanation: "The volunteer leaves screening for this study; the reason is kept with the enrolment.",
    done: "is marked not eligible",
  },
  withdraw: {
    title: "Withdraw",
    confirmLabel: "Withdraw",
    color: "orange",
    explanation: "The volunteer leaves the study; their subject number is not given to anyone else.",
    done: "is withdrawn",
  },
  complete: {
    title: "Complete",
    confirmLabel: "Complete",
    color: "gray",
    explanation: "The subject finished the study and returns to the pool of volunteers.",
    done: "completed the study",
  },
};

function EnrolmentActions({ study, enrolment }: { study: Study; enrolment: Enrolment }) {
  const changed = useEnrolmentChanged(study.id);
  const [asking, setAsking] = useState<ReasonAction | null>(null);
  const [assigning, setAssigning] = useState(false);
  const eligible = useMutation({
    mutationFn: () => studiesApi.decideEligibility(enrolment.id, { eligible: true }),
    onSuccess: (updated) => {
      notifySuccess(`${updated.volunteerDisplayId} is eligible.`);
      changed();
    },
  });
  const withReason = useMutation({
    mutationFn: ({ action, reason }: { action: ReasonAction; reason: string }) =>
      action === "ineligible"
        ? studiesApi.decideEligibility(enrolment.id, { eligible: false, reason })
        : studiesApi[action](enrolment.id, { reason }),
    onSuccess: (updated, { action }) => {
      notifySuccess(`${updated.volunteerDisplayId} ${reasonActions[action].done}.`);
      setAsking(null);
      changed();
    },
  });
  const ask = (action: ReasonAction) => {
    withReason.reset();
    setAsking(action);
  };
  const status = enrolment.status;
  const open = status === "screening" || status === "eligible" || status === "enrolled";
  if (!open) return null;
  // Eligibility and assignment need an active study; a closed study still withdraws and completes.
  const active = study.status === "active";
  return (
    <Stack gap={4} align="flex-end">
      {/* The buttons stack in a phone's narrow column rather than push it off the screen. */}
      <Group gap={4} justify="flex-end">
        {active && status === "screening" && (
          <>
            <Button
              size="compact-sm"
              color="teal"
              loading={eligible.isPending}
              onClick={() => eligible.mutate()}
            >
              Mark eligible
            </Button>
            <Button size="compact-sm" variant="light" color="red" onClick={() => ask("ineligible")}>
              Not eligible
            </Button>
          </>
        )}
        {active && status === "eligible" && (
          <Button size="compact-sm" onClick={() => setAssigning(true)}>
            Assign to cohort
          </Button>
        )}
        {status === "enrolled" && (
          <Button size="compact-sm" variant="light" onClick={() => ask("complete")}>
            Complete
          </Button>
        )}
        <Button size="compact-sm" variant="subtle" color="orange" onClick={() => ask("withdraw")}>
          Withdraw
        </Button>
      </Group>
      <ErrorAlert error={eligible.error} />
      {active && status === "eligible" && (
        <AssignToCohort
          study={study}
          enrolment={enrolment}
          opened={assigning}
          onClose={() => setAssigning(false)}
        />
      )}
      {asking && (
        <ReasonDialog
          opened
          title={`${reasonActions[asking].title}: ${enrolment.volunteerDisplayId}`}
          confirmLabel={reasonActions[asking].confirmLabel}
          color={reasonActions[asking].color}
          reasonRequired
          pending={withReason.isPending}
          error={withReason.error}
          onConfirm={(reason) => withReason.mutate({ action: asking, reason: reason ?? "" })}
          onClose={() => setAsking(null)}
        >
          {reasonActions[asking].explanation}
        </ReasonDialog>
      )}
    </Stack>
  );
}

function EnrolmentTable({
  study,
  enrolments,
  canChange,
  canScreen,
}: {
  study: Study;
  enrolments: Enrolment[];
  canChange: boolean;
  canScreen: boolean;
}) {
  if (enrolments.length === 0)
    return (
      <Text c="dimmed" size="sm">
        Nobody has been screened for this study yet.
        {canScreen ? " Pick a volunteer above to start screening." : ""}
      </Text>
    );
  return (
    <ResponsiveTable minWidth={900}>
      <Table verticalSpacing="sm" data-testid="enrolments">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Volunteer</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th visibleFrom="sm">Screened</Table.Th>
            <Table.Th visibleFrom="sm">Cohort</Table.Th>
            <Table.Th visibleFrom="sm">Dosing</Table.Th>
            <Table.Th visibleFrom="sm">Reason</Table.Th>
            {canChange && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {enrolments.map((enrolment) => (
            <Table.Tr key={enrolment.id} data-testid={`enrolment-${enrolment.volunteerDisplayId}`}>
              <Table.Td fw={600} data-testid="subject-number">
                {enrolment.subjectNumber ?? "—"}
              </Table.Td>
              <Table.Td>{enrolment.volunteerDisplayId}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={enrolmentStatusColors[enrolment.status]}>
                  {enrolmentStatusLabels[enrolment.status]}
                </Badge>
              </Table.Td>
              <Table.Td visibleFrom="sm">{formatDate(enrolment.screeningDate)}</Table.Td>
              <Table.Td visibleFrom="sm">{enrolment.cohortName ?? "—"}</Table.Td>
              <Table.Td visibleFrom="sm">
                {enrolment.dosingStart
                  ? `${formatDate(enrolment.dosingStart)} – ${formatDate(enrolment.dosingEnd)}`
                  : "—"}
              </Table.Td>
              <Table.Td visibleFrom="sm">{enrolment.statusReason ?? "—"}</Table.Td>
              {canChange && (
                <Table.Td>
                  <EnrolmentActions study={study} enrolment={enrolment} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

/** The Subjects tab: screening, eligibility, cohort assignment and the end of a volunteer's study. */
export function StudySubjects({ study, status }: { study: Study; status: SandboxStatus }) {
  const me = useSignedInMe();
  const enrolments = useEnrolments(study.id);
  const canChange = mayEnrol(status.role, me.organisation.id, study);
  const canScreen = canChange && study.status === "active";
  return (
    <Stack>
      {study.status !== "active" && (
        <Alert color="gray" variant="light">
          {study.status === "design"
            ? "Volunteers are screened once the study is active: finish its design, then activate it."
            : "The study is closed: its subjects are kept as they were, and nobody new is screened."}
        </Alert>
      )}
      {canScreen && (
        <Section
          title="Screen a volunteer"
          description="Start a volunteer's way into this study; decide eligibility, then assign a cohort."
        >
          <ScreenVolunteer study={study} />
        </Section>
      )}
      <Section title="Subjects" description="Everyone screened for this study and where they are now.">
        {enrolments.isPending ? (
          <PageLoader />
        ) : enrolments.isError ? (
          <ErrorAlert error={enrolments.error} />
        ) : (
          <EnrolmentTable
            study={study}
            enrolments={enrolments.data}
            canChange={canChange}
            canScreen={canScreen}
          />
        )}
      </Section>
    </Stack>
  );
}
