import { Alert, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { documentEditing, documentSaved } from "../../../server/modules/projects/contracts/documents.js";
import { describeDoers, useActivity } from "../../app/activity.js";
import { useSignedInMe } from "../../app/gates.js";
import { useRealtimeEvent } from "../../app/realtime.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { DiffView } from "./DiffView.js";
import { documentKeys, type ProjectDocument, useDocumentDiff } from "./documents-api.js";

export type NewerVersion = { version: number; by: { id: string; name: string } };

/**
 * The newest version someone else saved of a document since it was opened, while it is newer than
 * the one on screen: the page keeps what its reader is reading (or writing) and offers the new one.
 */
export function useNewerVersion(document: ProjectDocument | undefined): NewerVersion | null {
  const me = useSignedInMe();
  const [newest, setNewest] = useState<NewerVersion | null>(null);
  useRealtimeEvent(documentSaved, ({ documentId, version, by }) => {
    if (documentId !== document?.id || by.id === me.id) return;
    setNewest((seen) => (seen && seen.version >= version ? seen : { version, by }));
  });
  return newest && document && newest.version > document.version ? newest : null;
}

/** Who else has the document's editor open; while `editing`, this person is among them for the others. */
export function useDocumentEditors(documentId: string, editing: boolean): string[] {
  return useActivity(documentEditing, documentId, editing);
}

export function EditorsNote({ names }: { names: string[] }) {
  return (
    // Always in the page, so a screen reader hears when someone starts or stops editing.
    <Text size="sm" c="dimmed" role="status" data-testid="document-editors">
      {names.length > 0 ? `${describeDoers(names, "editing this document")}.` : ""}
    </Text>
  );
}

function VersionChanges({ projectId, from, to }: { projectId: string; from: ProjectDocument; to: number }) {
  const diff = useDocumentDiff(projectId, from.id, from.version, to);
  if (diff.isPending) return <Loader size="sm" aria-label="Loading the changes" />;
  if (diff.error) return <ErrorAlert error={diff.error} />;
  return (
    <DiffView
      diff={diff.data}
      labels={{ delete: `Only in version ${from.version}`, insert: `Only in version ${to}` }}
    />
  );
}

/**
 * Someone else saved a newer version while this one was open. A reader may compare and then show the
 * new version; a writer's text stays theirs (saving will show both texts, as any conflicting save does).
 */
export function NewerVersionNotice({
  projectId,
  document,
  newer,
  editing,
}: {
  projectId: string;
  document: ProjectDocument;
  newer: NewerVersion;
  editing: boolean;
}) {
  const queryClient = useQueryClient();
  const [comparing, setComparing] = useState(false);
  const show = () =>
    queryClient.invalidateQueries({ queryKey: documentKeys.one(projectId, document.id), exact: true });
  return (
    <Alert color="blue" title="A newer version was saved" data-testid="newer-version">
      <Stack gap="sm">
        <Text size="sm">
          {newer.by.name} saved version {newer.version} while you were {editing ? "editing" : "reading"}{" "}
          version {document.version}.
          {editing && " Your text is still here: when you save, you will see both texts and choose."}
        </Text>
        <Group>
          <Button variant="default" onClick={() => setComparing((shown) => !shown)} aria-expanded={comparing}>
            {comparing ? "Hide the changes" : "Compare"}
          </Button>
          {!editing && <Button onClick={show}>Show version {newer.version}</Button>}
        </Group>
        {comparing && <VersionChanges projectId={projectId} from={document} to={newer.version} />}
      </Stack>
    </Alert>
  );
}
