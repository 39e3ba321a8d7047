import { Alert, Anchor, Button, Grid, Group, Modal, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { formatDateTime } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import {
  type Release,
  type ReleaseInput,
  type ReleasePreview,
  releaseKeys,
  releasesApi,
  useAdminRelease,
} from "./api.js";
import { type EditorValues, inputOf, inputPaths, valuesOf } from "./editor-values.js";
import { FeatureListEditor } from "./FeatureListEditor.js";
import { PreviewPanel } from "./PreviewPanel.js";
import { ReleaseArticle } from "./ReleaseArticle.js";
import { ReleaseClosesEditor } from "./ReleaseClosesEditor.js";

const VERSION = /^\d+\.\d+(\.\d+)?$/;
const required = (message: string) => (value: string) => (value.trim() ? null : message);

function useEditorForm(release: Release | null) {
  return useForm<EditorValues>({
    initialValues: valuesOf(release),
    validate: {
      version: (value) =>
        VERSION.test(value.trim()) ? null : "Use a version such as 26.3, or 26.3.1 for a hotfix.",
      title: required("Give the release a title."),
      releaseDate: required("Enter the release date."),
      notes: required("Write the release notes."),
      features: {
        title: required("Name the feature."),
        module: required("Name the product module."),
      },
    },
  });
}

/**
 * Puts the server's field errors on the inputs (`features.1.title` included) and returns what is
 * left for the alert: the message, or null when every problem sits on an input.
 */
function useServerErrors(form: ReturnType<typeof useEditorForm>) {
  const [alert, setAlert] = useState<string | null>(null);
  const report = (error: unknown) => {
    if (!isApiError(error)) {
      setAlert(error instanceof Error ? error.message : "Something went wrong.");
      return;
    }
    const paths = inputPaths(form.getValues());
    const onInputs = Object.fromEntries(Object.entries(error.fields).filter(([field]) => paths.has(field)));
    const elsewhere = Object.entries(error.fields).filter(([field]) => !paths.has(field));
    form.setErrors(onInputs);
    const unplaced = Object.keys(onInputs).length === 0 || elsewhere.length > 0;
    setAlert(unplaced ? [error.message, ...elsewhere.map(([f, m]) => `${f}: ${m}`)].join(" ") : null);
  };
  return { alert, report, clear: () => setAlert(null) };
}

function PublishDialog({
  release,
  opened,
  onClose,
}: {
  release: Release;
  opened: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const publish = useMutation({
    mutationFn: () => releasesApi.publish(release.id),
    onSuccess: async (published) => {
      notifySuccess(`Convene ${published.version} is published.`);
      onClose();
      queryClient.setQueryData(releaseKeys.adminOne(release.id), published);
      await queryClient.invalidateQueries({ queryKey: ["releases"] });
      await queryClient.invalidateQueries({ queryKey: releaseKeys.admin });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`Publish Convene ${release.version}?`}>
      <Stack>
        <Text size="sm">Publishing happens once and cannot be undone. It will:</Text>
        <Text size="sm" component="ul" m={0}>
          <li>post the announcement in #announcements, as you;</li>
          <li>e-mail every member who has release announcements on;</li>
          <li>add it to the public release notes and the Atom feed;</li>
          <li>send the Slack payload to every active webhook.</li>
        </Text>
        <ErrorAlert error={publish.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="green" loading={publish.isPending} onClick={() => publish.mutate()}>
            Publish
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DeleteDraft({ release }: { release: Release }) {
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => releasesApi.remove(release.id),
    onSuccess: async () => {
      notifySuccess(`The draft of ${release.version} is deleted.`);
      await queryClient.invalidateQueries({ queryKey: releaseKeys.admin });
      navigate("/admin/releases");
    },
  });
  return (
    <>
      <Button variant="subtle" color="red" onClick={() => setOpen(true)}>
        Delete draft
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete the draft of ${release.version}?`}>
        <Stack>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Keep it
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete draft
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function ReleaseEditor({ release }: { release: Release | null }) {
  const form = useEditorForm(release);
  const errors = useServerErrors(form);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [preview, setPreview] = useState<ReleasePreview | null>(null);
  const [publishing, setPublishing] = useState(false);

  const save = useMutation({
    mutationFn: (input: ReleaseInput) =>
      release ? releasesApi.update(release.id, input) : releasesApi.create(input),
    onMutate: errors.clear,
    onError: errors.report,
    onSuccess: async (saved) => {
      notifySuccess(`The draft of ${saved.version} is saved.`);
      queryClient.setQueryData(releaseKeys.adminOne(saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: releaseKeys.admin, exact: true });
      if (release) form.resetDirty();
      else navigate(`/admin/releases/${saved.id}`, { replace: true });
    },
  });
  const render = useMutation({
    mutationFn: releasesApi.preview,
    onMutate: errors.clear,
    onError: errors.report,
    onSuccess: setPreview,
  });

  const submit = (action: (input: ReleaseInput) => void) => () => {
    const checked = form.validate();
    if (!checked.hasErrors) action(inputOf(form.getValues()));
  };
  const dirty = form.isDirty();

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: preview ? 6 : 12 }}>
        <Section title={release ? `Draft ${release.version}` : "New release"}>
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              submit((input) => save.mutate(input))();
            }}
          >
            <Stack>
              <ErrorAlert error={errors.alert} />
              <Group grow align="flex-start">
                <TextInput label="Version" placeholder="26.3" {...form.getInputProps("version")} />
                <TextInput label="Release date" type="date" {...form.getInputProps("releaseDate")} />
              </Group>
              <TextInput label="Title" placeholder="Pharmacy preview" {...form.getInputProps("title")} />
              <Textarea
                label="Notes"
                description="Markdown: **bold**, lists, links. Shown on the release page, in the feed, the e-mail and Slack."
                autosize
                minRows={6}
                maxRows={20}
                {...form.getInputProps("notes")}
              />
              <FeatureListEditor form={form} />
              <Group justify="space-between">
                <Group>
                  <Button type="submit" loading={save.isPending}>
                    Save draft
                  </Button>
                  <Button
                    variant="default"
                    loading={render.isPending}
                    onClick={submit((input) => render.mutate(input))}
                  >
                    Preview
                  </Button>
                  {release && (
                    <Button color="green" disabled={dirty} onClick={() => setPublishing(true)}>
                      Publish
                    </Button>
                  )}
                </Group>
                {release && <DeleteDraft release={release} />}
              </Group>
              {release && dirty && (
                <Text size="xs" c="dimmed">
                  Save the draft before publishing: what is published is what is saved.
                </Text>
              )}
            </Stack>
          </form>
        </Section>
      </Grid.Col>
      {preview && (
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <PreviewPanel preview={preview} />
        </Grid.Col>
      )}
      {release && (
        <Grid.Col span={12}>
          <ReleaseClosesEditor release={release} />
        </Grid.Col>
      )}
      {release && (
        <PublishDialog release={release} opened={publishing} onClose={() => setPublishing(false)} />
      )}
    </Grid>
  );
}

function PublishedRelease({ release }: { release: Release }) {
  return (
    <Stack gap="lg">
      <Alert color="green" variant="light" title="Published">
        Published {formatDateTime(release.publishedAt)}. A published release is no longer edited:{" "}
        <Anchor component={Link} to={`/releases/${encodeURIComponent(release.version)}`} inherit>
          see its public page
        </Anchor>
        .
      </Alert>
      <ReleaseArticle release={release} heading="none" />
    </Stack>
  );
}

const backToList = (
  <Anchor component={Link} to="/admin/releases" size="sm">
    All releases
  </Anchor>
);

/** `/admin/releases/new` and `/admin/releases/:id`: write a draft, preview it, publish it. */
export function ReleaseEditorPage() {
  const { id } = useParams();
  if (!id) {
    return (
      <Page title="New release" size="xl" actions={backToList}>
        <ReleaseEditor key="new" release={null} />
      </Page>
    );
  }
  return <ExistingRelease id={id} />;
}

function ExistingRelease({ id }: { id: string }) {
  const release = useAdminRelease(id);
  if (release.isPending) return <PageLoader />;
  if (release.isError) {
    const missing = isApiError(release.error, "not_found") || isApiError(release.error, "validation");
    return (
      <Page title="Release not found" actions={backToList}>
        <ErrorAlert error={missing ? "There is no such release." : release.error} />
      </Page>
    );
  }
  const title = `Convene ${release.data.version}`;
  return (
    <Page title={title} size="xl" actions={backToList}>
      {release.data.status === "published" ? (
        <PublishedRelease release={release.data} />
      ) : (
        <ReleaseEditor key={release.data.id} release={release.data} />
      )}
    </Page>
  );
}
