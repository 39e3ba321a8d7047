import { Button, Group, Select, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { splitList } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import type { OrganisationKind } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { adminApi, adminKeys, type Organisation, type OrganisationInput, organisationKinds } from "./api.js";

type Values = { name: string; kind: OrganisationKind; domains: string };

type Props = {
  /** The organisation to edit; without one the form creates a new organisation. */
  organisation: Organisation | null;
  onDone: () => void;
};

export function OrganisationForm({ organisation, onDone }: Props) {
  const queryClient = useQueryClient();
  const form = useForm<Values, OrganisationInput>({
    initialValues: {
      name: organisation?.name ?? "",
      kind: organisation?.kind ?? "customer",
      domains: organisation?.domains.join(", ") ?? "",
    },
    validate: { name: (value) => (value.trim().length >= 2 ? null : "Enter the organisation's name.") },
    transformValues: (values) => ({
      name: values.name.trim(),
      kind: values.kind,
      domains: splitList(values.domains),
    }),
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (input) =>
      organisation ? adminApi.updateOrganisation(organisation.id, input) : adminApi.createOrganisation(input),
    {
      onSuccess: (saved) => {
        notifySuccess(organisation ? `${saved.name} is saved.` : `${saved.name} is created.`);
        onDone();
        return queryClient.invalidateQueries({ queryKey: adminKeys.organisations });
      },
      afterSuccess: organisation ? "keep" : "reset",
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label="Name" data-autofocus {...form.getInputProps("name")} />
        <Select label="Kind" data={organisationKinds} allowDeselect={false} {...form.getInputProps("kind")} />
        <TextInput
          label="Domains"
          description="E-mail domains whose people may be invited, separated by commas"
          placeholder="northwind.example, northwind-labs.example"
          {...form.getInputProps("domains")}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {organisation ? "Save organisation" : "Create organisation"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
