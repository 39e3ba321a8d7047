import {
  Alert,
  Button,
  CopyButton,
  Grid,
  Group,
  Loader,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { isApiError } from "../../app/api.js";
import { formatDateTime } from "../../app/format.js";
import { useMarkdownPreview } from "../../app/markdown-preview.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { DiffView } from "./DiffView.js";
import {
  documentKeys,
  documentsApi,
  type EditConflictDetails,
  editConflictOf,
  type ProjectDocument,
  useDocumentRefresh,
} from "./documents-api.js";

type EditorProps = { projectId: string; document: ProjectDocument; onDone: () => void };

/**
 * Edits a document from the version it was opened at. When someone else saved meanwhile the server
 * refuses with their text and the difference; the person can copy their own text, reload theirs,
 * or save again, which then builds on the newer version (overwriting it deliberately).
 */
export function DocumentEditor({ projectId, document, onDone }: EditorProps) {
  const [title, setTitle] = useState(document.title);
  const [body, setBody] = useState(document.body);
  const [baseVersion, setBaseVersion] = useState(document.version);
  const [conflict, setConflict] = useState<EditConflictDetails | null>(null);
  const refresh = useDocumentRefresh(projectId);
  const queryClient = useQueryClient();
  const preview = useMarkdownPreview(body);
  const save = useMutation({
    mutationFn: () => documentsApi.save(projectId, document.id, { title, body, baseVersion }),
    onMutate: () => setConflict(null),
    onSuccess: async (saved) => {
      notifySuccess(`Saved as version ${saved.version}.`);
      await refresh(saved);
      onDone();
    },
    onError: (error) => {
      const details = editConflictOf(error);
      if (!details) return;
      setConflict(details);
      // Saving again now means building on their version: the person has seen the difference.
      setBaseVersion(details.currentVersion);
      void queryClient.invalidateQueries({ queryKey: documentKeys.one(projectId, document.id) });
    },
  });

  const fieldErrors = isApiError(save.error) ? save.error.fields : {};

  const reloadTheirs = () => {
    if (!conflict) return;
    setTitle(conflict.theirs.title);
    setBody(conflict.theirs.body);
    setConflict(null);
  };

  return (
    <Stack>
      <Title order={3} size="h4">
        Editing {document.title}
      </Title>
      {conflict && (
        <Alert color="orange" title="Someone saved a newer version" data-testid="edit-conflict">
          <Stack gap="sm">
            <Text size="sm">
              {conflict.theirs.author.name} saved version {conflict.currentVersion} at{" "}
              {formatDateTime(conflict.theirs.at)} while you were editing. Your text is still here. Compare
              the two, then copy your text, load theirs, or save again to put yours on top of theirs.
            </Text>
            <DiffView diff={conflict.diff} labels={{ delete: "Only in yours", insert: "Only in theirs" }} />
            <Group>
              <CopyButton value={body}>
                {({ copied, copy }) => (
                  <Button variant="default" onClick={copy}>
                    {copied ? "Copied" : "Copy my text"}
                  </Button>
                )}
              </CopyButton>
              <Button variant="default" onClick={reloadTheirs}>
                Load their version
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {!conflict && <ErrorAlert error={save.error} />}
      <TextInput
        label="Title"
        value={title}
        onChange={(event) => setTitle(event.currentTarget.value)}
        error={fieldErrors.title}
        required
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Textarea
            label="Text"
            description="Markdown: **bold**, _italic_, - lists, # headings, [links](https://…)"
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            autosize
            minRows={14}
            error={fieldErrors.body}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap={4} data-testid="document-preview">
            <Group gap="xs">
              <Text size="sm" fw={500}>
                Preview, as readers will see it
              </Text>
              {preview.pending && <Loader size="xs" aria-label="Updating the preview" />}
            </Group>
            <Text size="xs" c="dimmed">
              Updates as you type; nothing is saved until you press Save.
            </Text>
            {preview.error ? (
              <ErrorAlert error={preview.error} />
            ) : (
              <ServerHtml html={preview.html ?? document.bodyHtml} />
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button loading={save.isPending} onClick={() => save.mutate()}>
          {conflict ? "Save mine over theirs" : "Save"}
        </Button>
      </Group>
    </Stack>
  );
}
