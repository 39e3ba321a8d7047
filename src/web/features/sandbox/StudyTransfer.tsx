import { Alert, Button, Checkbox, FileButton, Group, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../app/api.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { operationsApi, STUDY_EXPORT_URL, type StudyImportFile } from "./operations-api.js";
import { studyKeys } from "./studies-api.js";

/** The server's message and each refused field ("studies.0.protocolNumber: ..."), in one alert. */
function describeFailure(error: Error): string {
  if (!(error instanceof ApiError)) return error.message;
  return [
    error.message,
    ...Object.entries(error.fields).map(([field, problem]) => `${field}: ${problem}`),
  ].join(" ");
}

/** The file as JSON; whether it is a study export the server decides, naming what it refuses. */
async function readExport(file: File): Promise<StudyImportFile> {
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not a JSON file. Choose a file downloaded with Export studies.`);
  }
}

/**
 * For coordinators around a wipe: download the organisation's studies (design, cohorts, events) as
 * JSON, and upload such a file to create them again in design.
 */
export function StudyTransfer() {
  const queryClient = useQueryClient();
  const [skipExisting, setSkipExisting] = useState(true);
  const upload = useMutation({
    mutationFn: async (file: File) => operationsApi.importStudies(await readExport(file), skipExisting),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: studyKeys.all }),
  });
  return (
    <Section
      title="Export and import"
      description="Before a wipe, download your organisation's study designs; afterwards, upload the file to create them again in design."
    >
      <Stack data-testid="study-transfer">
        <Group>
          <Button component="a" href={STUDY_EXPORT_URL} download variant="default">
            Export studies
          </Button>
          <FileButton accept="application/json,.json" onChange={(file) => file && upload.mutate(file)}>
            {(props) => (
              <Button {...props} variant="default" loading={upload.isPending}>
                Import studies
              </Button>
            )}
          </FileButton>
          <Checkbox
            label="Leave out studies whose protocol number is already used"
            checked={skipExisting}
            onChange={(event) => setSkipExisting(event.currentTarget.checked)}
          />
        </Group>
        {upload.isError && <ErrorAlert error={describeFailure(upload.error)} />}
        {upload.data && (
          <Alert color="green" variant="light" title="Import finished" data-testid="study-import-result">
            <Text size="sm">
              {upload.data.imported.length === 0
                ? "No study was imported."
                : `Imported ${upload.data.imported.length} ${upload.data.imported.length === 1 ? "study" : "studies"} in design: ${upload.data.imported.map((study) => study.protocolNumber).join(", ")}.`}
            </Text>
            {upload.data.skipped.length > 0 && (
              <Text size="sm">Left out, already here: {upload.data.skipped.join(", ")}.</Text>
            )}
          </Alert>
        )}
      </Stack>
    </Section>
  );
}
