import { Button, Group, Radio, Select, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { splitList } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import type { OrganisationKind } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { adminKeys, type Organisation, organisationKinds } from "../admin/api.js";
import { type AccessRequest, type Approval, deskApi, type Ticket, useTicketRefresh } from "./api.js";

type ApproveValues = {
  target: "existing" | "new";
  organisationId: string;
  name: string;
  kind: OrganisationKind;
  domains: string;
};

const toApproval = (values: ApproveValues): Approval =>
  values.target === "existing"
    ? { organisationId: values.organisationId }
    : { newOrganisation: { name: values.name, kind: values.kind, domains: splitList(values.domains) } };

type Props = { ticket: Ticket; request: AccessRequest; organisations: Organisation[] };

/** Approves an access request into an organisation that exists or one created on the spot. */
export function ApproveForm({ ticket, request, organisations }: Props) {
  const queryClient = useQueryClient();
  const refresh = useTicketRefresh(ticket.id);
  const emailDomain = request.email.split("@").at(-1)?.toLowerCase() ?? "";
  const knownOrganisation = organisations.find((organisation) => organisation.domains.includes(emailDomain));
  const form = useForm<ApproveValues, Approval>({
    initialValues: {
      target: knownOrganisation ? "existing" : "new",
      organisationId: knownOrganisation?.id ?? "",
      name: request.organisation,
      kind: "customer",
      domains: emailDomain,
    },
    validate: (values) =>
      values.target === "existing"
        ? { organisationId: values.organisationId ? null : "Choose an organisation." }
        : {
            name: values.name.trim() ? null : "Enter the organisation's name.",
            domains: splitList(values.domains).length > 0 ? null : "Enter at least one e-mail domain.",
          },
    transformValues: toApproval,
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (approval) => deskApi.approve(ticket.id, approval),
    {
      fieldNames: {
        "newOrganisation.name": "name",
        "newOrganisation.kind": "kind",
        "newOrganisation.domains": "domains",
      },
      onSuccess: (approved) => {
        notifySuccess(`Approved. An invitation is on its way to ${request.email}.`);
        void queryClient.invalidateQueries({ queryKey: adminKeys.organisations });
        return refresh(approved);
      },
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <Title order={3} size="h5">
          Approve
        </Title>
        <ErrorAlert error={error} />
        <Radio.Group label="Add them to" {...form.getInputProps("target")}>
          <Group gap="md" mt={6}>
            <Radio value="existing" label="An existing organisation" />
            <Radio value="new" label="A new organisation" />
          </Group>
        </Radio.Group>
        {form.values.target === "existing" ? (
          <Select
            label="Organisation"
            searchable
            data={organisations.map((organisation) => ({ value: organisation.id, label: organisation.name }))}
            {...form.getInputProps("organisationId")}
          />
        ) : (
          <>
            <TextInput label="Organisation name" {...form.getInputProps("name")} />
            <Select
              label="Kind"
              data={organisationKinds}
              allowDeselect={false}
              {...form.getInputProps("kind")}
            />
            <TextInput
              label="Domains"
              description="E-mail domains, separated by commas"
              placeholder="northwind.example, northwind-labs.example"
              {...form.getInputProps("domains")}
            />
          </>
        )}
        <Button type="submit" loading={pending} color="green" w="fit-content">
          Approve
        </Button>
      </Stack>
    </form>
  );
}
