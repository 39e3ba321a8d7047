import { Anchor, Button, Group, Modal, Paper, SimpleGrid, Stack, Tabs, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { Fact } from "../desk/Fact.js";
import { AuditTrail } from "./AuditTrail.js";
import type { SandboxStatus } from "./api.js";
import { ConfirmAction } from "./ConfirmAction.js";
import { ReasonDialog } from "./ReasonDialog.js";
import { SandboxGate } from "./SandboxPage.js";
import { StudyStatusBadge } from "./StudiesPage.js";
import { StudyDesign } from "./StudyDesign.js";
import { StudyForm } from "./StudyForm.js";
import { StudySubjects } from "./StudySubjects.js";
import { type Study, studiesApi, useStudy, useStudySaved } from "./studies-api.js";

function EditStudy({ study }: { study: Study }) {
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button variant="default" onClick={() => setOpened(true)}>
        Edit
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={`Edit ${study.protocolNumber}`}
        size="lg"
      >
        <StudyForm
          study={study}
          submitLabel="Save"
          submit={(body) => studiesApi.update(study.id, body)}
          onSaved={() => setOpened(false)}
        />
      </Modal>
    </>
  );
}

/** Design -> active: asked first; the API refuses a study without a cohort and an event, and says so. */
function ActivateStudy({ study }: { study: Study }) {
  const saved = useStudySaved();
  const [opened, setOpened] = useState(false);
  const activate = useMutation({
    mutationFn: () => studiesApi.update(study.id, { status: "active" }),
    onSuccess: (result) => {
      setOpened(false);
      notifySuccess(`${result.protocolNumber} is active.`);
      saved(result);
    },
  });
  const refusal = isApiError(activate.error)
    ? (activate.error.fields.status ?? activate.error.message)
    : activate.error;
  return (
    <>
      <Button
        color="green"
        onClick={() => {
          activate.reset();
          setOpened(true);
        }}
      >
        Activate
      </Button>
      <ConfirmAction
        opened={opened}
        title={`Activate ${study.protocolNumber}?`}
        confirmLabel="Activate"
        color="green"
        pending={activate.isPending}
        error={<ErrorAlert error={refusal} title="Not activated" />}
        onConfirm={() => activate.mutate()}
        onClose={() => setOpened(false)}
      >
        Volunteers can then be screened and enrolled. From then on every change to the study is recorded with
        a reason, and an active study keeps at least one cohort and one event.
      </ConfirmAction>
    </>
  );
}

function CloseStudy({ study }: { study: Study }) {
  const saved = useStudySaved();
  const [opened, setOpened] = useState(false);
  const close = useMutation({
    mutationFn: (reason: string | undefined) => studiesApi.update(study.id, { status: "closed", reason }),
    onSuccess: (result) => {
      setOpened(false);
      notifySuccess(`${result.protocolNumber} is closed.`);
      saved(result);
    },
  });
  return (
    <>
      <Button
        color="red"
        variant="light"
        onClick={() => {
          close.reset();
          setOpened(true);
        }}
      >
        Close study
      </Button>
      <ReasonDialog
        opened={opened}
        title={`Close ${study.protocolNumber}?`}
        confirmLabel="Close study"
        color="red"
        reasonRequired
        reasonLabel="Reason for closing"
        pending={close.isPending}
        error={close.error}
        onConfirm={(reason) => close.mutate(reason)}
        onClose={() => setOpened(false)}
      >
        A closed study cannot be changed or reopened, and nobody new is screened for it.
      </ReasonDialog>
    </>
  );
}

function StudyHeader({ study }: { study: Study }) {
  return (
    <Paper withBorder p="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="xs">
              <Text fw={700} c="dimmed" data-testid="protocol-number">
                {study.protocolNumber}
              </Text>
              <StudyStatusBadge status={study.status} />
            </Group>
            <Title order={2} size="h3">
              {study.title}
            </Title>
          </div>
          {study.canEdit && (
            <Group gap="xs">
              <EditStudy study={study} />
              {study.status === "design" && <ActivateStudy study={study} />}
              {study.status === "active" && <CloseStudy study={study} />}
            </Group>
          )}
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <Fact label="Sponsor">{study.sponsor}</Fact>
          <Fact label="Phase">{study.phase}</Fact>
          <Fact label="Organisation">{study.organisation.name}</Fact>
          <Fact label="Planned enrolment">{study.plannedEnrolment}</Fact>
        </SimpleGrid>
        {!study.canEdit && study.status !== "closed" && (
          <Text size="sm" c="dimmed">
            You can read this study; its organisation's study coordinators and the product team change it.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

const tabs = ["design", "subjects", "audit"] as const;
type Tab = (typeof tabs)[number];

function StudyDetail({ id, status }: { id: string; status: SandboxStatus }) {
  const study = useStudy(id);
  const [params, setParams] = useSearchParams();
  const requested = params.get("tab");
  const tab: Tab = tabs.find((name) => name === requested) ?? "design";
  if (study.isPending) return <PageLoader />;
  if (study.isError) {
    const missing = isApiError(study.error) && study.error.status === 404;
    return (
      <ErrorAlert error={missing ? "There is no such study. It may have been mistyped." : study.error} />
    );
  }
  return (
    <Stack>
      <StudyHeader study={study.data} />
      <Tabs
        value={tab}
        onChange={(value) => setParams(value && value !== "design" ? { tab: value } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="design">Design</Tabs.Tab>
          <Tabs.Tab value="subjects">Subjects</Tabs.Tab>
          <Tabs.Tab value="audit">Audit trail</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="design" pt="md">
          <StudyDesign study={study.data} />
        </Tabs.Panel>
        <Tabs.Panel value="subjects" pt="md">
          <StudySubjects study={study.data} status={status} />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <Section
            title="Audit trail"
            description="Every change to this study's design and to its subjects' enrolments."
          >
            <AuditTrail studyId={study.data.id} />
          </Section>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** `/sandbox/studies/:id`: one study, its design, its subjects and its audit trail. */
export function StudyPage() {
  const { id = "" } = useParams();
  // The same query as the page's own, so this adds no request; until it answers the title is generic.
  const study = useStudy(id);
  return (
    <Page
      title={study.data ? `Study ${study.data.protocolNumber}` : "Study"}
      actions={
        <Anchor component={Link} to="/sandbox/studies">
          All studies
        </Anchor>
      }
    >
      <SandboxGate>{(status) => <StudyDetail id={id} status={status} />}</SandboxGate>
    </Page>
  );
}
