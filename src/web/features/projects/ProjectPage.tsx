import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Tooltip,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconX } from "@tabler/icons-react";
import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { useAdminUsers, useOrganisations } from "../admin/api.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { ActivityTab } from "./ActivityTab.js";
import { BoardTab } from "./BoardTab.js";
import { DocumentsTab } from "./DocumentsTab.js";
import { FeedbackTab } from "./FeedbackTab.js";
import { FilesTab } from "./FilesTab.js";
import { useProjectsLive } from "./live.js";
import { ProjectSearch } from "./ProjectSearch.js";
import { ProjectStatusBadge, projectDates } from "./ProjectsPage.js";
import { type Project, projectsApi, useProject, useProjectMutation } from "./projects-api.js";

const tabs = [
  { value: "board", label: "Board" },
  { value: "documents", label: "Documents" },
  { value: "files", label: "Files" },
  { value: "feedback", label: "Feedback" },
  { value: "activity", label: "Activity" },
] as const;
type Tab = (typeof tabs)[number]["value"];

/** Staff add a whole organisation or one person; the lists are the product team's admin lists. */
function AddParticipant({ project, onDone }: { project: Project; onDone: () => void }) {
  const [organisationId, setOrganisationId] = useState<string | null>(null);
  const [userId, setUserId] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 250);
  const organisations = useOrganisations();
  const users = useAdminUsers({ q, organisationId: "", status: "active" });
  const add = useProjectMutation((body: { userId: string } | { organisationId: string }) =>
    projectsApi.addParticipant(project.id, body),
  );
  const taking = new Set(project.participants.flatMap((p) => [p.organisationId, p.userId]));
  const organisationOptions = (organisations.data ?? [])
    .filter((organisation) => !taking.has(organisation.id))
    .map((organisation) => ({ value: organisation.id, label: organisation.name }));
  const userOptions = (users.data ?? [])
    .filter((user) => !taking.has(user.id))
    .map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));
  return (
    <Stack>
      <ErrorAlert error={organisations.error ?? users.error} />
      <Group align="flex-end" gap="sm">
        <Select
          label="Organisation"
          description="Everyone in it takes part, including people who join it later."
          data={organisationOptions}
          value={organisationId}
          onChange={setOrganisationId}
          searchable
          style={{ flex: 1 }}
        />
        <Button
          disabled={!organisationId}
          loading={add.isPending}
          onClick={() =>
            organisationId && add.mutate({ organisationId }, { onSuccess: () => setOrganisationId(null) })
          }
        >
          Add organisation
        </Button>
      </Group>
      <Group align="flex-end" gap="sm">
        <Select
          label="Person"
          description="One person, without the rest of their organisation."
          data={userOptions}
          value={userId}
          onChange={setUserId}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          // The server searches; every option it returns already matches what was typed.
          filter={({ options }) => options}
          style={{ flex: 1 }}
        />
        <Button
          disabled={!userId}
          loading={add.isPending}
          onClick={() => userId && add.mutate({ userId }, { onSuccess: () => setUserId(null) })}
        >
          Add person
        </Button>
      </Group>
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Done
        </Button>
      </Group>
    </Stack>
  );
}

function Participants({ project }: { project: Project }) {
  const [adding, setAdding] = useState(false);
  const remove = useProjectMutation((participantId: string) =>
    projectsApi.removeParticipant(project.id, participantId),
  );
  const manage = project.canManage && project.status === "active";
  return (
    <Stack gap="xs">
      <Group gap="xs" data-testid="participants">
        {project.participants.length === 0 && (
          <Text size="sm" c="dimmed">
            Nobody takes part yet.
          </Text>
        )}
        {project.participants.map((participant) => (
          <Badge
            key={participant.id}
            variant="light"
            color={participant.kind === "organisation" ? "blue" : "gray"}
            size="lg"
            tt="none"
            rightSection={
              manage && (
                <Tooltip label={`Remove ${participant.name}`}>
                  <ActionIcon
                    size="xs"
                    variant="transparent"
                    aria-label={`Remove ${participant.name}`}
                    onClick={() => remove.mutate(participant.id)}
                  >
                    <UiIcon icon={IconX} size="sm" />
                  </ActionIcon>
                </Tooltip>
              )
            }
          >
            {participant.name}
            {participant.organisationName ? ` · ${participant.organisationName}` : ""}
          </Badge>
        ))}
      </Group>
      {manage && (
        <Group>
          <Button size="xs" variant="default" onClick={() => setAdding(true)}>
            Add a person or organisation
          </Button>
        </Group>
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add to the project" size="lg">
        <AddParticipant project={project} onDone={() => setAdding(false)} />
      </Modal>
    </Stack>
  );
}

function ArchiveButton({ project }: { project: Project }) {
  const archive = useProjectMutation(() =>
    project.status === "active" ? projectsApi.archive(project.id) : projectsApi.restore(project.id),
  );
  return (
    <Button variant="default" loading={archive.isPending} onClick={() => archive.mutate(undefined)}>
      {project.status === "active" ? "Archive project" : "Restore project"}
    </Button>
  );
}

function ProjectView({ project }: { project: Project }) {
  const { tab: requested } = useParams();
  const navigate = useNavigate();
  const tab: Tab = tabs.find(({ value }) => value === requested)?.value ?? "board";
  return (
    <Page title={project.name} size="xl" actions={project.canManage && <ArchiveButton project={project} />}>
      <Section title="About this project">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <ServerHtml html={project.purposeHtml} />
          <Stack gap="sm">
            <Group gap="sm">
              <ProjectStatusBadge status={project.status} />
              <Text size="sm">{projectDates(project)}</Text>
            </Group>
            {project.status === "archived" && (
              <Text size="sm" c="dimmed">
                Archived: everything stays readable, nothing can be added or changed.
              </Text>
            )}
            <Participants project={project} />
          </Stack>
        </SimpleGrid>
      </Section>
      <ProjectSearch projectId={project.id} />
      <Tabs
        value={tab}
        onChange={(value) =>
          navigate(value === "board" ? `/projects/${project.id}` : `/projects/${project.id}/${value}`)
        }
        keepMounted={false}
      >
        <Tabs.List>
          {tabs.map(({ value, label }) => (
            <Tabs.Tab key={value} value={value}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="board" pt="md">
          <BoardTab project={project} />
        </Tabs.Panel>
        <Tabs.Panel value="documents" pt="md">
          <DocumentsTab projectId={project.id} project={project} />
        </Tabs.Panel>
        <Tabs.Panel value="files" pt="md">
          <FilesTab project={project} />
        </Tabs.Panel>
        <Tabs.Panel value="feedback" pt="md">
          <FeedbackTab projectId={project.id} project={project} />
        </Tabs.Panel>
        <Tabs.Panel value="activity" pt="md">
          <ActivityTab projectId={project.id} />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}

/** `/projects/:id/:tab?`: a project's header and its board, documents, files, feedback and activity. */
export function ProjectPage() {
  useProjectsLive();
  const { id = "" } = useParams();
  const project = useProject(id);
  if (project.isPending) return <PageLoader />;
  if (project.isError) {
    const missing = isApiError(project.error) && project.error.status === 404;
    return (
      <Page title="Project not available">
        <ErrorAlert
          error={missing ? "There is no such project, or you do not take part in it." : project.error}
        />
      </Page>
    );
  }
  return <ProjectView project={project.data} />;
}
