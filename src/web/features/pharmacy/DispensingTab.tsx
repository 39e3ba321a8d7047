import {
  Button,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { isApiError } from "../../app/api.js";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import type { SandboxRole } from "../sandbox/api.js";
import { type Enrolment, type Study, useEnrolments, useStudies, useStudy } from "../sandbox/studies-api.js";
import {
  type Container,
  type Dispensation,
  mayDispense,
  pharmacyApi,
  sameDose,
  useContainers,
  useDispensations,
  usePharmacyChanged,
} from "./api.js";
import { PharmacyError } from "./PharmacyError.js";

type Values = {
  enrolmentId: string;
  containerId: string;
  quantity: number | string;
  dose: string;
  doseReason: string;
};

const subjectLabel = (enrolment: Enrolment) =>
  `${enrolment.subjectNumber} · ${enrolment.volunteerDisplayId} · ${enrolment.cohortName}`;
const containerLabel = (container: Container) =>
  `${container.barcode} · ${container.productName} · lot ${container.lotNumber} · ${container.remaining} ${container.units} left`;

function DispenseForm({
  study,
  subjects,
  containers,
}: {
  study: Study;
  subjects: Enrolment[];
  containers: Container[];
}) {
  const changed = usePharmacyChanged();
  // A conflict (container not in dispense, expired lot, too few units, subject not enrolled) is said
  // in full above the form, and its field note lands on the input it is about.
  const [refusal, setRefusal] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: { enrolmentId: "", containerId: "", quantity: 1, dose: "", doseReason: "" },
    validate: {
      enrolmentId: isNotEmpty("Choose a subject."),
      containerId: isNotEmpty("Choose a container."),
      quantity: isNotEmpty("Enter the units to dispense."),
      dose: isNotEmpty("Enter the dose."),
    },
  });
  const subject = subjects.find((enrolment) => enrolment.id === form.values.enrolmentId);
  const cohort = study.cohorts.find((candidate) => candidate.id === subject?.cohortId);
  const doseDiffers =
    cohort !== undefined && form.values.dose.trim() !== "" && !sameDose(form.values.dose, cohort.dose);
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: Values) => {
      setRefusal(null);
      return pharmacyApi.dispense({
        enrolmentId: values.enrolmentId,
        containerId: values.containerId,
        quantity: Number(values.quantity),
        dose: values.dose,
        ...(values.doseReason.trim() ? { doseReason: values.doseReason } : {}),
      });
    },
    {
      onSuccess: (dispensation) => {
        notifySuccess(
          `Dispensed ${dispensation.quantity} from ${dispensation.barcode} to subject ${dispensation.subjectNumber}.`,
        );
        changed();
        // The next dose usually goes to the same subject from the same container.
        form.setValues({ quantity: 1, doseReason: "" });
      },
      afterSuccess: "keep",
      onError: (failure) => {
        if (!isApiError(failure) || failure.status !== 409) return false;
        form.setErrors(failure.fields);
        setRefusal(failure.message);
        return true;
      },
    },
  );
  const chooseSubject = (enrolmentId: string) => {
    const chosen = subjects.find((enrolment) => enrolment.id === enrolmentId);
    const dose = study.cohorts.find((candidate) => candidate.id === chosen?.cohortId)?.dose ?? "";
    // The cohort's dose is what is dispensed unless the pharmacist says otherwise, with a reason.
    form.setValues({ enrolmentId, dose, doseReason: "" });
  };
  return (
    <form onSubmit={onSubmit} noValidate data-testid="dispense-form">
      <Stack gap="sm">
        <ErrorAlert error={refusal ?? error} title={refusal ? "Nothing was dispensed" : undefined} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Subject"
            placeholder={
              subjects.length === 0 ? "No subject is enrolled in a cohort yet" : "Choose a subject"
            }
            data={subjects.map((enrolment) => ({ value: enrolment.id, label: subjectLabel(enrolment) }))}
            searchable
            allowDeselect={false}
            required
            {...form.getInputProps("enrolmentId")}
            onChange={(value) => chooseSubject(value ?? "")}
          />
          <Select
            label="Container"
            placeholder={
              containers.length === 0 ? "No container is in dispense" : "Choose a container in dispense"
            }
            data={containers.map((container) => ({ value: container.id, label: containerLabel(container) }))}
            searchable
            allowDeselect={false}
            required
            {...form.getInputProps("containerId")}
          />
        </SimpleGrid>
        {cohort && (
          <Text size="sm" data-testid="cohort-dose">
            {cohort.name}'s dose: <strong>{cohort.dose}</strong>
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <NumberInput
            label="Units"
            description="Taken from the container"
            min={1}
            allowDecimal={false}
            allowNegative={false}
            required
            {...form.getInputProps("quantity")}
          />
          <TextInput
            label="Dose"
            description="The cohort's dose, unless you change it"
            required
            {...form.getInputProps("dose")}
          />
        </SimpleGrid>
        {doseDiffers && (
          <Textarea
            label="Reason for a different dose"
            description={`Not ${cohort.name}'s dose: say why, for the audit trail.`}
            autosize
            minRows={2}
            {...form.getInputProps("doseReason")}
          />
        )}
        <Group>
          <Button type="submit" loading={pending}>
            Dispense
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The subjects enrolled in a cohort of the study and the containers in dispense, then the form. */
function Dispense({ studyId }: { studyId: string }) {
  const study = useStudy(studyId);
  const enrolments = useEnrolments(studyId);
  const containers = useContainers({ status: "dispense" });
  if (study.isPending || enrolments.isPending || containers.isPending) return <PageLoader />;
  if (study.isError || enrolments.isError) return <ErrorAlert error={study.error ?? enrolments.error} />;
  if (containers.isError) return <PharmacyError error={containers.error} />;
  const subjects = enrolments.data.filter(
    (enrolment) => enrolment.status === "enrolled" && enrolment.cohortId !== null,
  );
  return <DispenseForm study={study.data} subjects={subjects} containers={containers.data} />;
}

function DispensationTable({ dispensations }: { dispensations: Dispensation[] }) {
  if (dispensations.length === 0) return <Text c="dimmed">Nothing has been dispensed yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table verticalSpacing="sm" data-testid="dispensation-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Product</Table.Th>
            <Table.Th>Container</Table.Th>
            <Table.Th>Units</Table.Th>
            <Table.Th>Dose</Table.Th>
            <Table.Th>By</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {dispensations.map((dispensation) => (
            <Table.Tr key={dispensation.id}>
              <Table.Td>{formatDateTime(dispensation.dispensedAt)}</Table.Td>
              <Table.Td>
                {dispensation.protocolNumber} {dispensation.subjectNumber ?? "—"}
              </Table.Td>
              <Table.Td>{dispensation.productName}</Table.Td>
              <Table.Td ff="monospace">{dispensation.barcode}</Table.Td>
              <Table.Td>{dispensation.quantity}</Table.Td>
              <Table.Td>
                {dispensation.dose}
                {dispensation.doseReason && (
                  <Text size="xs" c="dimmed">
                    Reason: {dispensation.doseReason}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{dispensation.dispensedBy?.name ?? "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * Dispensing a dose to a subject enrolled in a cohort of an active study, from a container in
 * dispense. Offered for the studies the person may dispense for; the server checks everything again.
 */
export function DispensingTab({ role }: { role: SandboxRole | "staff" | null }) {
  const me = useSignedInMe();
  const studies = useStudies({ status: "active" });
  const dispensations = useDispensations();
  const dispensable = (studies.data ?? []).filter((study) =>
    mayDispense(role, me.organisation.id, study.organisation.id),
  );
  const [chosenStudyId, setChosenStudyId] = useState<string | null>(null);
  const studyId = chosenStudyId ?? dispensable[0]?.id ?? null;
  return (
    <Stack>
      <Section
        title="Dispense to a subject"
        description="Staff and the pharmacists of the study's organisation dispense to its enrolled subjects."
      >
        {studies.isPending ? (
          <PageLoader />
        ) : studies.isError ? (
          <ErrorAlert error={studies.error} />
        ) : dispensable.length === 0 ? (
          <Text size="sm" c="dimmed">
            There is no active study you may dispense for: your organisation's pharmacists and the product
            team dispense to its subjects.
          </Text>
        ) : (
          <Stack>
            <Select
              label="Study"
              data={dispensable.map((study) => ({
                value: study.id,
                label: `${study.protocolNumber}: ${study.title}`,
              }))}
              value={studyId}
              allowDeselect={false}
              onChange={setChosenStudyId}
              maw={520}
            />
            {studyId && <Dispense key={studyId} studyId={studyId} />}
          </Stack>
        )}
      </Section>
      <Section title="Dispensed" description="Newest first.">
        {dispensations.isPending ? (
          <PageLoader />
        ) : dispensations.isError ? (
          <PharmacyError error={dispensations.error} />
        ) : (
          <DispensationTable dispensations={dispensations.data} />
        )}
      </Section>
    </Stack>
  );
}
