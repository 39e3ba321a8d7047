import { Alert, Anchor, Button, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { isEmail, isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { Link } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi } from "./api.js";

type Requested = { email: string };

/** What happens next, in the visitor's terms: they cannot see the desk, so no ticket number is given. */
function RequestReceived({ email }: Requested) {
  return (
    <AccountCard title="Request received">
      <Stack>
        <Alert color="green" variant="light" title="Thank you: the product team has your request">
          <Text size="sm">
            Someone from the product team reviews it, usually within a working day, and writes to {email} with
            their decision. If you are approved, that e-mail holds your invitation: follow its link to choose
            a password and sign in.
          </Text>
          <Text size="sm" mt="xs">
            Nothing else is needed from you now. If no e-mail arrives, check your spam folder.
          </Text>
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
    onSuccess: (_received, { email }) => setRequested({ email }),
  });

  if (requested) return <RequestReceived {...requested} />;

  return (
    <AccountCard title="Request access">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            Convene is for the vendor's customers and development partners. Tell us who you are and the
            product team will review your request. Fields marked * are required.
          </Text>
          <ErrorAlert error={error} />
          <TextInput label="Name" required autoComplete="name" {...form.getInputProps("name")} />
          <TextInput
            label="E-mail"
            required
            type="email"
            autoComplete="email"
            description="Your work address"
            {...form.getInputProps("email")}
          />
          <TextInput
            label="Organisation"
            required
            autoComplete="organization"
            {...form.getInputProps("organisation")}
          />
          <TextInput
            label="Role"
            required
            autoComplete="organization-title"
            placeholder="e.g. Clinical research coordinator"
            {...form.getInputProps("role")}
          />
          <Textarea
            label="Why do you want to join?"
            required
            autosize
            minRows={3}
            {...form.getInputProps("reason")}
          />
          <Button type="submit" loading={pending} w="fit-content">
            Request access
          </Button>
        </Stack>
      </form>
    </AccountCard>
  );
}
