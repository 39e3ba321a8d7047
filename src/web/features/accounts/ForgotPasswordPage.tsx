import { Alert, Anchor, Button, Stack, Text, TextInput } from "@mantine/core";
import { isEmail, useForm } from "@mantine/form";
import { useState } from "react";
import { Link } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi } from "./api.js";

export function ForgotPasswordPage() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: "" },
    validate: { email: isEmail("Enter your e-mail address.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, accountsApi.requestPasswordReset, {
    onSuccess: (_result, { email }) => setSentTo(email),
  });

  if (sentTo) {
    return (
      <AccountCard title="Check your e-mail">
        <Stack>
          <Alert color="green" variant="light">
            If {sentTo} belongs to an account, we have sent it a link to choose a new password. The link works
            once and expires soon.
          </Alert>
          <Anchor component={Link} to="/sign-in">
            Back to sign in
          </Anchor>
        </Stack>
      </AccountCard>
    );
  }

  return (
    <AccountCard title="Forgot your password?">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            Enter the address you sign in with and we will e-mail you a link to choose a new password.
          </Text>
          <ErrorAlert error={error} />
          <TextInput
            label="E-mail"
            required
            type="email"
            autoComplete="username"
            {...form.getInputProps("email")}
          />
          <Button type="submit" loading={pending} w="fit-content">
            Send reset link
          </Button>
        </Stack>
      </form>
    </AccountCard>
  );
}
