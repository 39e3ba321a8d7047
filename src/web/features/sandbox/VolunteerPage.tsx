import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { formatDate, formatDateTime } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { useDiscardGuard } from "../../app/ui/discard-guard.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { Fact } from "../desk/Fact.js";
import { AuditTrail } from "./AuditTrail.js";
import type { SandboxStatus } from "./api.js";
import { SandboxGate } from "./SandboxPage.js";
import { enrolmentStatusColors, enrolmentStatusLabels } from "./studies-api.js";
import { VolunteerForm } from "./VolunteerForm.js";
import { RecruitmentStatusBadge } from "./VolunteersPage.js";
import {
  canWriteVolunteers,
  displayOptions,
  sexLabels,
  useVolunteer,
  useVolunteerEnrolments,
  type Volunteer,
  type VolunteerDisplay,
  volunteerKeys,
  volunteersApi,
} from "./volunteers-api.js";

const orDash = (value: string | number | null | undefined) =>
  value === null || value === undefined || value === "" ? "—" : value;

function Details({ volunteer }: { volunteer: Volunteer }) {
  if (volunteer.display === "id")
    return (
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Fact label="Sex">{sexLabels[volunteer.sex]}</Fact>
        <Fact label="Age band">{volunteer.ageBand}</Fact>
        <Text size="sm" c="dimmed" style={{ gridColumn: "1 / -1" }}>
          Only the display id, sex, age band and status are shown. Choose another display to see more.
        </Text>
      </SimpleGrid>
    );
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md" data-testid="volunteer-details">
      <Fact label="Name">
        {volunteer.firstName} {volunteer.lastName}
      </Fact>
      <Fact label="Sex">{sexLabels[volunteer.sex]}</Fact>
      <Fact label={volunteer.dateOfBirth ? "Date of birth" : "Year of birth"}>
        {volunteer.dateOfBirth ? formatDate(volunteer.dateOfBirth) : volunteer.yearOfBirth} (age{" "}
        {volunteer.age})
      </Fact>
      <Fact label="Region">{orDash(volunteer.region)}</Fact>
      <Fact label="E-mail">{orDash(volunteer.email)}</Fact>
      <Fact label="Phone">{orDash(volunteer.phone)}</Fact>
      <Fact label="Height">{volunteer.heightCm} cm</Fact>
      <Fact label="Weight">{volunteer.weightKg} kg</Fact>
      <Fact label="BMI (computed from height and weight)">{volunteer.bmi?.toFixed(1)}</Fact>
      <Fact label="Smoker">{volunteer.smoker ? "Yes" : "No"}</Fact>
      <Fact label="Added">{formatDateTime(volunteer.createdAt)}</Fact>
      <Fact label="Last changed">{formatDateTime(volunteer.updatedAt)}</Fact>
      <div style={{ gridColumn: "1 / -1" }}>
        <Fact label="Medical history notes">{orDash(volunteer.medicalHistory)}</Fact>
      </div>
    </SimpleGrid>
  );
}

function ParticipationHistory({ volunteerId }: { volunteerId: string }) {
  const enrolments = useVolunteerEnrolments(volunteerId);
  if (enrolments.isPending) return <PageLoader />;
  if (enrolments.isError) return <ErrorAlert error={enrolments.error} />;
  if (enrolments.data.length === 0)
    return (
      <Text c="dimmed">
        This volunteer has not taken part in any study yet. Screen them from a study's Subjects tab.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" data-testid="participation-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Study</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Screened</Table.Th>
            <Table.Th>Cohort</Table.Th>
            <Table.Th>Subject number</Table.Th>
            <Table.Th>Dosing</Table.Th>
            <Table.Th>Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {enrolments.data.map((enrolment) => (
            <Table.Tr key={enrolment.id}>
              <Table.Td>
                <Anchor component={Link} to={`/sandbox/studies/${enrolment.studyId}`} fw={600}>
                  {enrolment.protocolNumber}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {enrolment.studyTitle}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={enrolmentStatusColors[enrolment.status]}>
                  {enrolmentStatusLabels[enrolment.status]}
                </Badge>
              </Table.Td>
              <Table.Td>{formatDate(enrolment.screeningDate)}</Table.Td>
              <Table.Td>{orDash(enrolment.cohortName)}</Table.Td>
              <Table.Td>{orDash(enrolment.subjectNumber)}</Table.Td>
              <Table.Td>
                {enrolment.dosingStart
                  ? `${formatDate(enrolment.dosingStart)} to ${formatDate(enrolment.dosingEnd)}`
                  : "—"}
              </Table.Td>
              <Table.Td>{orDash(enrolment.statusReason)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The edit form works on the full record, whatever the page shows. */
function EditVolunteer({
  volunteerId,
  onClose,
  onDirtyChange,
}: {
  volunteerId: string;
  onClose: () => void;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const full = useVolunteer(volunteerId, "full");
  if (full.isPending) return <PageLoader />;
  if (full.isError) return <ErrorAlert error={full.error} />;
  return (
    <VolunteerForm
      volunteer={full.data}
      onSaved={(saved) => {
        onDirtyChange(false);
        notifySuccess(`${saved.displayId} was saved.`);
        onClose();
      }}
      onCancel={onClose}
      onDirtyChange={onDirtyChange}
    />
  );
}

/** Removal is soft: the record leaves every list but stays in the database and its audit trail. */
function RemoveVolunteer({ volunteer, onClose }: { volunteer: Volunteer; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const needsReason = volunteer.recruitmentStatus === "enrolled";
  const [reason, setReason] = useState("");
  const remove = useMutation({
    mutationFn: () => volunteersApi.remove(volunteer.id, reason.trim()),
    onSuccess: () => {
      notifySuccess(`${volunteer.displayId} was removed.`);
      navigate("/sandbox/volunteers");
      queryClient.removeQueries({ queryKey: [...volunteerKeys.all, volunteer.id] });
      void queryClient.invalidateQueries({ queryKey: volunteerKeys.all });
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Remove ${volunteer.displayId}?`}>
      <Stack>
        <Text size="sm">
          The volunteer leaves every list and search. The record and its audit trail are kept: sandbox
          clinical records are never deleted.
        </Text>
        <TextInput
          label="Reason"
          description={
            needsReason ? "Required: this volunteer is enrolled." : "Optional; kept in the audit trail."
          }
          required={needsReason}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
        />
        <ErrorAlert error={remove.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            disabled={needsReason && !reason.trim()}
            onClick={() => remove.mutate()}
          >
            Remove volunteer
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function VolunteerDetail({ id, status }: { id: string; status: SandboxStatus }) {
  const [display, setDisplay] = useState<VolunteerDisplay | undefined>(undefined);
  const [dialog, setDialog] = useState<"edit" | "remove" | null>(null);
  const closeEdit = useDiscardGuard(() => setDialog(null));
  const volunteer = useVolunteer(id, display);
  if (volunteer.isPending) return <PageLoader />;
  if (volunteer.isError)
    return (
      <>
        <ErrorAlert error={volunteer.error} />
        <Anchor component={Link} to="/sandbox/volunteers">
          Back to the volunteers
        </Anchor>
      </>
    );
  const shown = volunteer.data;
  const mayWrite = canWriteVolunteers(status.role);
  return (
    <>
      <Group justify="space-between" align="flex-end">
        <Group gap="sm">
          <Text fw={700} size="xl" data-testid="volunteer-display-id">
            {shown.displayId}
          </Text>
          <RecruitmentStatusBadge status={shown.recruitmentStatus} />
        </Group>
        <Group gap="sm" align="flex-end">
          <Select
            label="Show"
            data={displayOptions}
            value={shown.display}
            allowDeselect={false}
            onChange={(value) => value && setDisplay(value as VolunteerDisplay)}
            w={200}
          />
          {mayWrite && <Button onClick={() => setDialog("edit")}>Edit</Button>}
          {mayWrite && (
            <Button variant="light" color="red" onClick={() => setDialog("remove")}>
              Remove
            </Button>
          )}
        </Group>
      </Group>
      <Tabs defaultValue="details" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="details">Details</Tabs.Tab>
          <Tabs.Tab value="history">Participation history</Tabs.Tab>
          <Tabs.Tab value="audit">Audit trail</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="details" pt="md">
          <Section title="Details">
            <Details volunteer={shown} />
          </Section>
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <Section title="Participation history" description="Every study this volunteer was screened for.">
            <ParticipationHistory volunteerId={shown.id} />
          </Section>
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <Section title="Audit trail">
            <AuditTrail recordType="volunteer" recordId={shown.id} />
          </Section>
        </Tabs.Panel>
      </Tabs>
      <Modal
        opened={dialog === "edit"}
        onClose={closeEdit.requestClose}
        title={`Edit ${shown.displayId}`}
        size="lg"
      >
        {dialog === "edit" && (
          <EditVolunteer
            volunteerId={shown.id}
            onClose={closeEdit.requestClose}
            onDirtyChange={closeEdit.reportDirty}
          />
        )}
      </Modal>
      {dialog === "remove" && <RemoveVolunteer volunteer={shown} onClose={() => setDialog(null)} />}
    </>
  );
}

/** `/sandbox/volunteers/:id`: one volunteer, their studies and every change to their record. */
export function VolunteerPage() {
  const { id = "" } = useParams();
  return (
    <Page
      title="Volunteer"
      actions={
        <Anchor component={Link} to="/sandbox/volunteers">
          Back to the volunteers
        </Anchor>
      }
    >
      <SandboxGate>{(status) => <VolunteerDetail id={id} status={status} />}</SandboxGate>
    </Page>
  );
}
