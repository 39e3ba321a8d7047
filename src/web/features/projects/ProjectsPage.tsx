import {
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { formatDate } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import { ActivityTab } from "./ActivityTab.js";
import { useProjectsLive } from "./live.js";
import { ProjectSearch } from "./ProjectSearch.js";
import {
  type Project,
  type ProjectStatus,
  type ProjectSummary,
  projectsApi,
  useProjects,
  useProjectsRefresh,
} from "./projects-api.js";

export function ProjectStatusBadge({ status }: { status: ProjectStatus }) {
  return (
    <Badge variant="light" color={status === "active" ? "green" : "gray"} data-testid="project-status">
      {status === "active" ? "Active" : "Archived"}
    </Badge>
  );
}

/** "1 Mar 2027 – 30 Jun 2027", or "from 1 Mar 2027" while the end is open. */
export const projectDates = (project: { startsOn: string; endsOn: string | null }) =>
  project.endsOn
    ? `${formatDate(project.startsOn)} – ${formatDate(project.endsOn)}`
    : `from ${formatDate(project.startsOn)}`;

function whoTakesPart(project: ProjectSummary): string {
  const people = project.personCount === 1 ? "1 person" : `${project.personCount} people`;
  const parts = [...project.organisationNames, ...(project.personCount > 0 ? [people] : [])];
  return parts.length > 0 ? parts.join(", ") : "Nobody yet";
}

function ProjectTable({ projects, status }: { projects: ProjectSummary[]; status: ProjectStatus }) {
  if (projects.length === 0)
    return (
      <Text c="dimmed">
        {status === "active"
          ? "You take part in no project yet. The product team invites you or your organisation to one."
          : "No archived projects."}
      </Text>
    );
  return (
    <ResponsiveTable minWidth={640}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="project-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Project</Table.Th>
            <Table.Th visibleFrom="sm">Dates</Table.Th>
            <Table.Th visibleFrom="sm">Taking part</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {projects.map((project) => (
            <Table.Tr key={project.id}>
              <Table.Td>
                <Anchor component={Link} to={`/projects/${project.id}`} fw={500}>
                  {project.name}
                </Anchor>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {project.purposeExcerpt}
                </Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Text size="sm">{projectDates(project)}</Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Text size="sm">{whoTakesPart(project)}</Text>
              </Table.Td>
              <Table.Td>
                <ProjectStatusBadge status={project.status} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

type ProjectValues = { name: string; purpose: string; startsOn: string; endsOn: string };

function NewProjectForm({ onCreated }: { onCreated: (project: Project) => void }) {
  const refresh = useProjectsRefresh();
  const form = useForm<ProjectValues>({
    initialValues: { name: "", purpose: "", startsOn: new Date().toISOString().slice(0, 10), endsOn: "" },
    validate: {
      name: isNotEmpty("Name the project."),
      purpose: isNotEmpty("Say what the project is for."),
      startsOn: isNotEmpty("Choose the day it starts."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: ProjectValues) =>
      projectsApi.create({
        name: values.name,
        purpose: values.purpose,
        startsOn: values.startsOn,
        ...(values.endsOn ? { endsOn: values.endsOn } : {}),
      }),
    {
      onSuccess: (project: Project) => {
        notifySuccess(`${project.name} created.`);
        void refresh();
        onCreated(project);
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput
          label="Name"
          placeholder="Pharmacy preview feedback"
          required
          {...form.getInputProps("name")}
        />
        <Textarea
          label="Purpose"
          description="What the project is for and what you ask of the participants. Markdown is supported."
          autosize
          minRows={3}
          required
          {...form.getInputProps("purpose")}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput type="date" label="Starts on" required {...form.getInputProps("startsOn")} />
          <TextInput
            type="date"
            label="Ends on"
            description="Leave empty while the end is open."
            {...form.getInputProps("endsOn")}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            Create project
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** `/projects`: the projects one takes part in (staff: every project) and what happened in them lately. */
export function ProjectsPage() {
  useProjectsLive();
  const me = useSignedInMe();
  const navigate = useNavigate();
  const [status, setStatus] = useState<ProjectStatus>("active");
  const [creating, setCreating] = useState(false);
  const projects = useProjects(status);
  return (
    <Page
      title="Projects"
      size="xl"
      actions={me.isStaff && <Button onClick={() => setCreating(true)}>New project</Button>}
    >
      <Text c="dimmed">
        Collaboration projects with the product team: a board for questions and decisions, shared documents
        and files, and feedback rounds.
      </Text>
      <ProjectSearch projectId={null} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Section
            title={me.isStaff ? "All projects" : "My projects"}
            actions={
              <SegmentedControl
                size="xs"
                value={status}
                onChange={(value) => setStatus(value as ProjectStatus)}
                data={[
                  { value: "active", label: "Active" },
                  { value: "archived", label: "Archived" },
                ]}
                aria-label="Project status"
              />
            }
          >
            {projects.isPending ? (
              <PageLoader />
            ) : projects.isError ? (
              <ErrorAlert error={projects.error} />
            ) : (
              <ProjectTable projects={projects.data} status={status} />
            )}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Section
            title="My projects activity"
            description="The latest across every project you take part in."
          >
            <ActivityTab projectId={null} />
          </Section>
        </Grid.Col>
      </Grid>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New project" size="lg">
        <NewProjectForm onCreated={(project) => navigate(`/projects/${project.id}`)} />
      </Modal>
    </Page>
  );
}
