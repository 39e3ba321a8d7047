import { Badge, Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { type Me, meQueryKey } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { StaffBadge } from "../../app/ui/StaffBadge.js";
import { accountsApi } from "./api.js";

export function ProfileDetailsForm({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: me.name },
    validate: { name: isNotEmpty("Enter your name.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, accountsApi.updateMe, {
    onSuccess: (updated) => {
      queryClient.setQueryData(meQueryKey, updated);
      notifySuccess("Your name is saved.");
    },
    afterSuccess: "keep",
  });

  return (
    <Section title="Your details">
      <Stack gap={4}>
        <Text size="sm">
          <Text span c="dimmed" inherit>
            E-mail:{" "}
          </Text>
          {me.email}
        </Text>
        <Group gap="xs">
          <Text size="sm">
            <Text span c="dimmed" inherit>
              Organisation:{" "}
            </Text>
            {me.organisation.name}
          </Text>
          {me.isStaff && <StaffBadge />}
          {me.isOrgAdmin && (
            <Badge variant="light" size="sm">
              Organisation admin
            </Badge>
          )}
        </Group>
      </Stack>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput label="Name" autoComplete="name" required {...form.getInputProps("name")} />
          <Button type="submit" loading={pending} disabled={!form.isDirty()} w="fit-content">
            Save name
          </Button>
        </Stack>
      </form>
    </Section>
  );
}
