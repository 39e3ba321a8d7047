import {
  Anchor,
  Badge,
  Button,
  FileButton,
  Group,
  Image,
  Modal,
  NavLink,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { formatBytes, formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import {
  type FileSummary,
  type FileVersion,
  type Folder,
  type Project,
  type ProjectFile,
  projectsApi,
  useFile,
  useFiles,
  useFolders,
  useProjectMutation,
  useProjectsRefresh,
} from "./projects-api.js";

function FolderBranch({
  folder,
  selectedId,
  onSelect,
}: {
  folder: Folder;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <NavLink
      label={folder.name}
      active={folder.id === selectedId}
      onClick={() => onSelect(folder.id)}
      rightSection={
        folder.visibility === "staff" ? (
          <Badge size="xs" color="yellow">
            Team
          </Badge>
        ) : undefined
      }
      // Branches stay open: project trees are shallow, and a hidden folder is easy to miss.
      opened
      childrenOffset="md"
    >
      {folder.children.length > 0
        ? folder.children.map((child) => (
            <FolderBranch key={child.id} folder={child} selectedId={selectedId} onSelect={onSelect} />
          ))
        : undefined}
    </NavLink>
  );
}

function NewFolderForm({
  project,
  parentId,
  onCreated,
}: {
  project: Project;
  parentId: string | null;
  onCreated: (folder: Folder) => void;
}) {
  const refresh = useProjectsRefresh();
  const form = useForm({ initialValues: { name: "" }, validate: { name: isNotEmpty("Name the folder.") } });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: { name: string }) =>
      projectsApi.createFolder(project.id, { name: values.name, ...(parentId ? { parentId } : {}) }),
    {
      onSuccess: (folder: Folder) => {
        void refresh();
        onCreated(folder);
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label="Folder name" data-autofocus required {...form.getInputProps("name")} />
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            Create folder
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function VersionRow({ version, current }: { version: FileVersion; current: boolean }) {
  return (
    <Table.Tr>
      <Table.Td>
        {version.version}
        {current && " (current)"}
      </Table.Td>
      <Table.Td>{version.uploadedBy.name}</Table.Td>
      <Table.Td>{formatDateTime(version.createdAt)}</Table.Td>
      <Table.Td>{formatBytes(version.size)}</Table.Td>
      <Table.Td>
        <Anchor href={version.url} download={version.filename} size="sm">
          Download
        </Anchor>
      </Table.Td>
    </Table.Tr>
  );
}

function FileDetail({ file }: { file: ProjectFile }) {
  return (
    <Stack gap="sm" data-testid="file-detail">
      <Group justify="space-between">
        <Text fw={600}>{file.name}</Text>
        <Button component="a" href={file.url} download={file.name} size="xs" variant="default">
          Download
        </Button>
      </Group>
      {file.isImage && (
        <Image
          src={file.url}
          alt={`Preview of ${file.name}`}
          w="auto"
          maw="100%"
          mah={360}
          radius="sm"
          // A column stretches its children; the preview keeps the picture's own size, never enlarged.
          style={{ alignSelf: "flex-start" }}
        />
      )}
      <Table verticalSpacing={4} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Size</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {file.versions.map((version) => (
            <VersionRow key={version.version} version={version} current={version.version === file.version} />
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function FileList({
  files,
  selectedId,
  onSelect,
}: {
  files: FileSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  if (files.length === 0) return <Text c="dimmed">No files in this folder.</Text>;
  return (
    <Table highlightOnHover verticalSpacing="xs" data-testid="file-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Version</Table.Th>
          <Table.Th>Size</Table.Th>
          <Table.Th>Updated</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {files.map((file) => (
          <Table.Tr key={file.id} bg={file.id === selectedId ? "var(--mantine-color-blue-light)" : undefined}>
            <Table.Td>
              <Anchor component="button" type="button" size="sm" onClick={() => onSelect(file.id)}>
                {file.name}
              </Anchor>{" "}
              {file.visibility === "staff" && (
                <Badge size="xs" color="yellow" variant="light">
                  Product team only
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{file.version}</Table.Td>
            <Table.Td>{formatBytes(file.size)}</Table.Td>
            <Table.Td>
              <Text size="xs">
                {formatDateTime(file.updatedAt)} · {file.updatedBy.name}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * The project's file area: a folder tree, the files of the chosen folder (null: the top level) and
 * the chosen file's versions. Uploading a name that is already in the folder adds a version.
 */
export function FilesTab({ project }: { project: Project }) {
  const [folderId, setFolderId] = useState<string | null>(null);
  // The chosen file is in the address (`?file=…`), so a search hit or a reload opens it.
  const [params, setParams] = useSearchParams();
  const fileId = params.get("file");
  const setFileId = (id: string | null) => setParams(id ? { file: id } : {});
  const [creatingFolder, setCreatingFolder] = useState(false);
  const folders = useFolders(project.id);
  const files = useFiles(project.id, folderId);
  const file = useFile(project.id, fileId);
  const upload = useProjectMutation((chosen: File) => projectsApi.uploadFile(project.id, chosen, folderId));
  const resetUpload = useRef<() => void>(null);
  const writable = project.status === "active";
  const chooseFolder = (id: string | null) => {
    setFolderId(id);
    setFileId(null);
  };
  return (
    <Group align="flex-start" gap="lg" wrap="wrap">
      <Paper withBorder p="xs" style={{ flex: "0 1 260px" }}>
        <NavLink label="Top level" active={folderId === null} onClick={() => chooseFolder(null)} />
        {folders.isError && <ErrorAlert error={folders.error} />}
        {folders.data?.map((folder) => (
          <FolderBranch key={folder.id} folder={folder} selectedId={folderId} onSelect={chooseFolder} />
        ))}
        {writable && (
          <Button size="xs" variant="subtle" mt="xs" onClick={() => setCreatingFolder(true)}>
            New folder here
          </Button>
        )}
      </Paper>
      <Stack gap="sm" style={{ flex: "1 1 420px" }}>
        {writable && (
          <Group>
            <FileButton
              onChange={(chosen) =>
                chosen &&
                upload.mutate(chosen, {
                  onSuccess: (saved) => {
                    notifySuccess(`${saved.name} uploaded (version ${saved.version}).`);
                    setFileId(saved.id);
                  },
                  // Cleared, so choosing the same file again (its next version) still counts as a choice.
                  onSettled: () => resetUpload.current?.(),
                })
              }
              resetRef={resetUpload}
              inputProps={{ "aria-label": "Upload a file" }}
            >
              {(props) => (
                <Button {...props} loading={upload.isPending}>
                  Upload a file
                </Button>
              )}
            </FileButton>
            <Text size="xs" c="dimmed">
              A file with the same name in this folder becomes its next version.
            </Text>
          </Group>
        )}
        {files.isPending ? (
          <PageLoader />
        ) : files.isError ? (
          <ErrorAlert error={files.error} />
        ) : (
          <FileList files={files.data} selectedId={fileId} onSelect={setFileId} />
        )}
        {fileId && (
          <Paper withBorder p="md">
            {file.isPending ? (
              <PageLoader />
            ) : file.isError ? (
              <ErrorAlert error={file.error} />
            ) : (
              <FileDetail file={file.data} />
            )}
          </Paper>
        )}
      </Stack>
      <Modal opened={creatingFolder} onClose={() => setCreatingFolder(false)} title="New folder">
        <NewFolderForm
          project={project}
          parentId={folderId}
          onCreated={(folder) => {
            setCreatingFolder(false);
            chooseFolder(folder.id);
          }}
        />
      </Modal>
    </Group>
  );
}
