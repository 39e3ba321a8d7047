import { Badge, Button, Group, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import {
  type AgreementVersion,
  sandboxApi,
  sandboxKeys,
  useAcceptances,
  useAgreementVersions,
} from "./api.js";
import { ConfirmAction } from "./ConfirmAction.js";

type Draft = { title: string; body: string };

function DraftForm({
  version,
  onSaved,
}: {
  version: AgreementVersion | null;
  onSaved: (saved: AgreementVersion) => void;
}) {
  const queryClient = useQueryClient();
  const form = useForm<Draft>({
    initialValues: { title: version?.title ?? "", body: version?.body ?? "" },
    validate: { title: isNotEmpty("Give the agreement a title."), body: isNotEmpty("Write the agreement.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: Draft) =>
      version ? sandboxApi.updateDraft(version.id, values) : sandboxApi.createDraft(values),
    {
      onSuccess: (saved: AgreementVersion) => {
        notifySuccess(`Draft version ${saved.version} saved.`);
        void queryClient.invalidateQueries({ queryKey: sandboxKeys.versions });
        onSaved(saved);
      },
      afterSuccess: version ? "keep" : "reset",
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label="Title" required {...form.getInputProps("title")} />
        <Textarea
          label="Agreement"
          description="Markdown: ## headings, **bold**, lists, links."
          autosize
          minRows={10}
          required
          {...form.getInputProps("body")}
        />
        <Button type="submit" loading={pending} w="fit-content">
          {version ? "Save draft" : "Create draft"}
        </Button>
      </Stack>
    </form>
  );
}

function Acceptances({ id }: { id: string }) {
  const acceptances = useAcceptances(id);
  if (acceptances.isPending) return <PageLoader />;
  if (acceptances.isError) return <ErrorAlert error={acceptances.error} />;
  if (acceptances.data.length === 0) return <Text c="dimmed">Nobody has accepted this version yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs" data-testid="acceptances">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th>Organisation</Table.Th>
            <Table.Th>Accepted</Table.Th>
            <Table.Th>IP address</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {acceptances.data.map((row) => (
            <Table.Tr key={row.person.id}>
              <Table.Td>
                {row.person.name}{" "}
                <Text span size="xs" c="dimmed">
                  {row.person.email}
                </Text>
              </Table.Td>
              <Table.Td>{row.organisation?.name ?? "—"}</Table.Td>
              <Table.Td>{formatDateTime(row.acceptedAt)}</Table.Td>
              <Table.Td>{row.ip ?? "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function VersionDetail({
  version,
  onSaved,
}: {
  version: AgreementVersion;
  onSaved: (v: AgreementVersion) => void;
}) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const publish = useMutation({
    mutationFn: () => sandboxApi.publish(version.id),
    onSuccess: (published) => {
      setConfirming(false);
      notifySuccess(`Version ${published.version} is in force; everyone accepts it again.`);
      void queryClient.invalidateQueries({ queryKey: ["admin", "sandbox"] });
      void queryClient.invalidateQueries({ queryKey: ["sandbox"] });
      onSaved(published);
    },
  });
  if (version.status === "draft")
    return (
      <Section
        title={`Draft version ${version.version}`}
        actions={
          <Button color="green" onClick={() => setConfirming(true)}>
            Publish
          </Button>
        }
      >
        <ConfirmAction
          opened={confirming}
          title={`Publish version ${version.version}?`}
          confirmLabel="Publish"
          color="green"
          pending={publish.isPending}
          error={<ErrorAlert error={publish.error} />}
          onConfirm={() => publish.mutate()}
          onClose={() => setConfirming(false)}
        >
          It comes into force at once: everyone, the product team included, must read and accept it before
          using the development environment again. A published version cannot be changed.
        </ConfirmAction>
        <DraftForm key={version.id} version={version} onSaved={onSaved} />
      </Section>
    );
  return (
    <Stack>
      <Section
        title={`Version ${version.version}: ${version.title}`}
        description={`Published ${formatDateTime(version.publishedAt)}${version.current ? " · in force" : ""}`}
      >
        <ServerHtml html={version.bodyHtml} />
      </Section>
      <Section title="Acceptances" description="Who accepted this version, when, and from which address.">
        <Acceptances id={version.id} />
      </Section>
    </Stack>
  );
}

/** `/admin/sandbox-agreement`: draft, edit and publish versions of the agreement; see who accepted. */
export function AdminAgreementPage() {
  const versions = useAgreementVersions();
  const [selected, setSelected] = useState<string | "new" | null>(null);
  useEffect(() => {
    if (selected === null && versions.data?.[0]) setSelected(versions.data[0].id);
  }, [selected, versions.data]);
  const version = versions.data?.find((v) => v.id === selected) ?? null;
  return (
    <Page title="Sandbox agreement" actions={<Button onClick={() => setSelected("new")}>New draft</Button>}>
      <Text c="dimmed" size="sm">
        The Access and Use Agreement of the development environment. Publishing a version puts it in force:
        everyone, the product team included, must accept it before using the sandbox again.
      </Text>
      {versions.isPending ? (
        <PageLoader />
      ) : versions.isError ? (
        <ErrorAlert error={versions.error} />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" highlightOnHover data-testid="agreement-versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Acceptances</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.data.map((v) => (
                <Table.Tr
                  key={v.id}
                  onClick={() => setSelected(v.id)}
                  style={{ cursor: "pointer" }}
                  bg={v.id === selected ? "var(--mantine-color-blue-light)" : undefined}
                >
                  <Table.Td fw={600}>
                    <Button variant="subtle" size="compact-sm" onClick={() => setSelected(v.id)}>
                      {v.version}
                    </Button>
                  </Table.Td>
                  <Table.Td>{v.title}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge color={v.status === "draft" ? "gray" : "green"} variant="light">
                        {v.status === "draft" ? "Draft" : "Published"}
                      </Badge>
                      {v.current && <Badge variant="light">In force</Badge>}
                    </Group>
                  </Table.Td>
                  <Table.Td>{v.status === "draft" ? "—" : v.acceptanceCount}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {selected === "new" ? (
        <Section
          title="New draft"
          description="Numbered after every existing version; nobody sees it until you publish."
        >
          <DraftForm version={null} onSaved={(saved) => setSelected(saved.id)} />
        </Section>
      ) : version ? (
        <VersionDetail version={version} onSaved={(saved) => setSelected(saved.id)} />
      ) : null}
    </Page>
  );
}
