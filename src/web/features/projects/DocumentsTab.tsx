import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconArrowLeft } from "@tabler/icons-react";
import { useSearchParams } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { PersonName } from "../../app/ui/StaffBadge.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { DocumentEditor } from "./DocumentEditor.js";
import { DocumentHistory } from "./DocumentHistory.js";
import { EditorsNote, NewerVersionNotice, useDocumentEditors, useNewerVersion } from "./DocumentLive.js";
import { documentsApi, useDocument, useDocumentRefresh, useDocuments } from "./documents-api.js";
import type { Project } from "./projects-api.js";

type TabProps = { projectId: string; project: Project };
type DocumentMode = "read" | "edit" | "history";

function StaffOnlyBadge() {
  return (
    <Badge color="grape" variant="outline" size="sm">
      Staff only
    </Badge>
  );
}

function NewDocumentForm({
  projectId,
  canManage,
  onDone,
}: {
  projectId: string;
  canManage: boolean;
  onDone: (id?: string) => void;
}) {
  const form = useForm({
    initialValues: { title: "", body: "", staffOnly: false },
    validate: { title: (value) => (value.trim() ? null : "Give the document a title.") },
  });
  const refresh = useDocumentRefresh(projectId);
  const submit = useFormSubmit(
    form,
    (values) =>
      documentsApi.create(projectId, {
        title: values.title.trim(),
        body: values.body,
        ...(values.staffOnly ? { visibility: "staff" as const } : {}),
      }),
    {
      onSuccess: async (created) => {
        notifySuccess(`${created.title} is created.`);
        await refresh(created);
        onDone(created.id);
      },
    },
  );
  return (
    <form onSubmit={submit.onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={submit.error} />
        <TextInput label="Title" required {...form.getInputProps("title")} />
        <Textarea label="Text" description="Markdown" autosize minRows={8} {...form.getInputProps("body")} />
        {canManage && (
          <Checkbox
            label="Staff only (customers in the project do not see it)"
            {...form.getInputProps("staffOnly", { type: "checkbox" })}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onDone()}>
            Cancel
          </Button>
          <Button type="submit" loading={submit.pending}>
            Create document
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DocumentPanel({
  projectId,
  documentId,
  mode,
  onMode,
  onBack,
}: {
  projectId: string;
  documentId: string;
  mode: DocumentMode;
  onMode: (mode: DocumentMode) => void;
  onBack: () => void;
}) {
  const document = useDocument(projectId, documentId);
  const newer = useNewerVersion(document.data);
  const editors = useDocumentEditors(documentId, mode === "edit" && document.isSuccess);
  if (document.isPending) return <PageLoader />;
  if (document.error) return <ErrorAlert error={document.error} />;
  const current = document.data;
  return (
    <Stack>
      <Anchor component="button" type="button" size="sm" onClick={onBack} w="fit-content">
        <Group gap={4} component="span">
          <UiIcon icon={IconArrowLeft} />
          All documents
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Title order={2} size="h3">
              {current.title}
            </Title>
            {current.visibility === "staff" && <StaffOnlyBadge />}
          </Group>
          <Text size="sm" c="dimmed" component="div">
            <Group gap={4}>
              Version {current.version}, saved by{" "}
              <PersonName name={current.updatedBy.name} isStaff={current.updatedBy.isStaff} /> on{" "}
              {formatDateTime(current.updatedAt)}
            </Group>
          </Text>
          <EditorsNote names={editors} />
        </div>
        <Group gap="xs">
          <Button variant={mode === "read" ? "filled" : "default"} onClick={() => onMode("read")}>
            Read
          </Button>
          <Button variant={mode === "edit" ? "filled" : "default"} onClick={() => onMode("edit")}>
            Edit
          </Button>
          <Button variant={mode === "history" ? "filled" : "default"} onClick={() => onMode("history")}>
            History
          </Button>
        </Group>
      </Group>
      {newer && (
        <NewerVersionNotice
          projectId={projectId}
          document={current}
          newer={newer}
          editing={mode === "edit"}
        />
      )}
      {mode === "read" && (
        <div data-testid="document-body">
          <ServerHtml html={current.bodyHtml} />
        </div>
      )}
      {mode === "edit" && (
        <DocumentEditor projectId={projectId} document={current} onDone={() => onMode("read")} />
      )}
      {mode === "history" && <DocumentHistory projectId={projectId} document={current} />}
    </Stack>
  );
}

function DocumentList({ projectId, onOpen }: { projectId: string; onOpen: (id: string) => void }) {
  const documents = useDocuments(projectId);
  if (documents.isPending) return <PageLoader />;
  if (documents.error) return <ErrorAlert error={documents.error} />;
  if (documents.data.length === 0) return <Text c="dimmed">No documents yet.</Text>;
  return (
    <Table striped highlightOnHover aria-label="Documents">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Title</Table.Th>
          <Table.Th>Version</Table.Th>
          <Table.Th>Updated by</Table.Th>
          <Table.Th>Updated</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {documents.data.map((document) => (
          <Table.Tr key={document.id}>
            <Table.Td>
              <Group gap="xs">
                <Anchor component="button" type="button" onClick={() => onOpen(document.id)}>
                  {document.title}
                </Anchor>
                {document.visibility === "staff" && <StaffOnlyBadge />}
              </Group>
            </Table.Td>
            <Table.Td>{document.version}</Table.Td>
            <Table.Td>
              <PersonName name={document.updatedBy.name} isStaff={document.updatedBy.isStaff} />
            </Table.Td>
            <Table.Td>{formatDateTime(document.updatedAt)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const modes: DocumentMode[] = ["read", "edit", "history"];

/**
 * The project's shared documents. Which document is open and how (read, edit, history) lives in the
 * address (`?document=…&mode=…`), so a link or a reload lands on the same view.
 */
export function DocumentsTab({ projectId, project }: TabProps) {
  const [params, setParams] = useSearchParams();
  const documentId = params.get("document");
  const requestedMode = params.get("mode") as DocumentMode | null;
  const mode = requestedMode && modes.includes(requestedMode) ? requestedMode : "read";
  const creating = params.get("new") === "1";
  const show = (next: Record<string, string>) => setParams(next);

  if (documentId) {
    return (
      <DocumentPanel
        projectId={projectId}
        documentId={documentId}
        mode={mode}
        onMode={(nextMode) => show({ document: documentId, mode: nextMode })}
        onBack={() => show({})}
      />
    );
  }
  return (
    <Section
      title="Documents"
      description="Shared texts everyone in the project can read and edit; every save keeps a version."
      actions={
        !creating && (
          <Button onClick={() => show({ new: "1" })} disabled={project.status === "archived"}>
            New document
          </Button>
        )
      }
    >
      {creating && (
        <NewDocumentForm
          projectId={projectId}
          canManage={project.canManage}
          onDone={(createdId) => show(createdId ? { document: createdId } : {})}
        />
      )}
      <DocumentList projectId={projectId} onOpen={(id) => show({ document: id })} />
    </Section>
  );
}
