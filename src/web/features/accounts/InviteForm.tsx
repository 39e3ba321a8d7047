import { Button, Group, Select, type SelectProps, Stack, TextInput } from "@mantine/core";
import { isEmail, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import type { Me } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { useOrganisations } from "../admin/api.js";
import { accountsApi } from "./api.js";

/** Staff may invite into any organisation; everyone else invites into their own. */
function OrganisationPicker(props: SelectProps) {
  const organisations = useOrganisations();
  const options = (organisations.data ?? []).map((organisation) => ({
    value: organisation.id,
    label: organisation.name,
  }));
  return (
    <Select
      label="Organisation"
      searchable
      allowDeselect={false}
      data={options}
      disabled={organisations.isPending}
      {...props}
    />
  );
}

export function InviteForm({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { email: "", organisationId: me.organisation.id },
    validate: { email: isEmail("Enter your colleague's e-mail address.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    ({ email, organisationId }) =>
      accountsApi.invite({ email, organisationId: me.isStaff ? organisationId : undefined }),
    {
      onSuccess: (invitation) => {
        notifySuccess(`Invitation sent to ${invitation.email}.`);
        return queryClient.invalidateQueries({ queryKey: ["invitations"] });
      },
    },
  );

  return (
    <Section
      title="Invite a colleague"
      description={
        me.isStaff
          ? "They receive an e-mail with a link to create their account. Their address must be at one of the organisation's domains."
          : `They receive an e-mail with a link to create their account. Their address must be at one of ${me.organisation.name}'s domains.`
      }
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <Group align="flex-start" grow preventGrowOverflow={false}>
            <TextInput label="E-mail" type="email" autoComplete="off" {...form.getInputProps("email")} />
            {me.isStaff && <OrganisationPicker {...form.getInputProps("organisationId")} />}
          </Group>
          <Button type="submit" loading={pending} w="fit-content">
            Send invitation
          </Button>
        </Stack>
      </form>
    </Section>
  );
}
