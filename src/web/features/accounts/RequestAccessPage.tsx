import { Alert, Anchor, Button, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { isEmail, isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { Link } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi } from "./api.js";

type Requested = { ticketNumber: number; email: string };

function RequestReceived({ ticketNumber, email }: Requested) {
  return (
    <AccountCard title="Request received">
      <Stack>
        <Alert color="green" variant="light" title={`Your request is ticket #${ticketNumber}`}>
          The product team will look at it and write to {email} with their decision. If you are approved, that
          e-mail carries your invitation.
        </Alert>
        <Anchor component={Link} to="/">
          Back to the home page
        </Anchor>
      </Stack>
    </AccountCard>
  );
}

export function RequestAccessPage() {
  const [requested, setRequested] = useState<Requested | null>(null);
  const form = useForm({
    initialValues: { name: "", email: "", organisation: "", role: "", reason: "" },
    validate: {
      name: isNotEmpty("Enter your name."),
      email: isEmail("Enter your work e-mail address."),
      organisation: isNotEmpty("Enter the organisation you work for."),
      role: isNotEmpty("Enter your role."),
      reason: isNotEmpty("Tell us briefly why you want to join."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, accountsApi.requestAccess, {
    onSuccess: ({ ticketNumber }, { email }) => setRequested({ ticketNumber, email }),
  });

  if (requested) return <RequestReceived {...requested} />;

  return (
    <AccountCard title="Request access">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            Convene is for the vendor's customers and development partners. Tell us who you are and the
            product team will review your request.
          </Text>
          <ErrorAlert error={error} />
          <TextInput label="Name" autoComplete="name" {...form.getInputProps("name")} />
          <TextInput
            label="E-mail"
            type="email"
            autoComplete="email"
            description="Your work address"
            {...form.getInputProps("email")}
          />
          <TextInput
            label="Organisation"
            autoComplete="organization"
            {...form.getInputProps("organisation")}
          />
          <TextInput
            label="Role"
            autoComplete="organization-title"
            placeholder="e.g. Clinical research coordinator"
            {...form.getInputProps("role")}
          />
          <Textarea label="Why do you want to join?" autosize minRows={3} {...form.getInputProps("reason")} />
          <Button type="submit" loading={pending} w="fit-content">
            Request access
          </Button>
        </Stack>
      </form>
    </AccountCard>
  );
}
