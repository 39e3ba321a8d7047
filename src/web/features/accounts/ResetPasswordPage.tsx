import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { hasLength, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { meQueryKey } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi, usePasswordResetPreview } from "./api.js";
import { LinkNoLongerValid } from "./LinkNoLongerValid.js";

function NewPasswordForm({ token, email }: { token: string; email: string }) {
  const queryClient = useQueryClient();
  const [done, setDone] = useState(false);
  const form = useForm({
    initialValues: { password: "" },
    validate: { password: hasLength({ min: 10 }, "Use at least 10 characters.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => accountsApi.resetPassword(token, values),
    {
      onSuccess: () => {
        // The server ends every session of the account, this browser's included.
        queryClient.clear();
        queryClient.setQueryData(meQueryKey, null);
        setDone(true);
      },
    },
  );

  if (done) {
    return (
      <AccountCard title="Password changed">
        <Stack>
          <Alert color="green" variant="light">
            Your new password is set and every session of your account has ended. Sign in with the new
            password.
          </Alert>
          <Button component={Link} to="/sign-in" w="fit-content">
            Go to sign in
          </Button>
        </Stack>
      </AccountCard>
    );
  }

  return (
    <AccountCard title="Choose a new password">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput label="E-mail" value={email} readOnly variant="filled" autoComplete="username" />
          <PasswordInput
            label="New password"
            required
            description="At least 10 characters"
            autoComplete="new-password"
            {...form.getInputProps("password")}
          />
          <Button type="submit" loading={pending} w="fit-content">
            Set new password
          </Button>
        </Stack>
      </form>
    </AccountCard>
  );
}

export function ResetPasswordPage() {
  const { token = "" } = useParams();
  const reset = usePasswordResetPreview(token);
  if (reset.isPending) return <PageLoader />;
  if (reset.isError) {
    return (
      <LinkNoLongerValid
        error={reset.error}
        message="This password reset link is no longer valid: it has expired or been used. Ask for a new one."
        action={{ to: "/forgot-password", label: "Ask for a new link" }}
      />
    );
  }
  return <NewPasswordForm token={token} email={reset.data.email} />;
}
