import { Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { isEmail, isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, Navigate, useSearchParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { useFormSubmit } from "../../app/forms.js";
import { safeReturnPath } from "../../app/gates.js";
import { meQueryKey, useMe } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi } from "./api.js";

export function SignInPage() {
  const { data: me } = useMe();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  // After the password, an account with two-factor sign-in asks for the code from the app.
  const [needsCode, setNeedsCode] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (needsCode) codeInput.current?.focus();
  }, [needsCode]);

  const form = useForm({
    initialValues: { email: "", password: "", totpCode: "" },
    validate: {
      email: isEmail("Enter your e-mail address."),
      password: isNotEmpty("Enter your password."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    ({ email, password, totpCode }) =>
      accountsApi.signIn({ email, password, totpCode: needsCode ? totpCode.trim() : undefined }),
    {
      onSuccess: ({ user }) => {
        queryClient.clear();
        queryClient.setQueryData(meQueryKey, user);
      },
      onError: (failure) => {
        if (needsCode || !isApiError(failure, "totp_required")) return false;
        setNeedsCode(true);
        return true;
      },
    },
  );

  if (me) return <Navigate to={safeReturnPath(params.get("next"))} replace />;

  const startOver = () => {
    setNeedsCode(false);
    form.setValues({ password: "", totpCode: "" });
  };

  return (
    <AccountCard title="Sign in">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          {needsCode ? (
            <>
              <Text size="sm">
                Two-factor sign-in is on for <strong>{form.values.email}</strong>. Enter the 6-digit code your
                authenticator app shows now.
              </Text>
              <TextInput
                label="Authentication code"
                autoComplete="one-time-code"
                inputMode="numeric"
                ref={codeInput}
                {...form.getInputProps("totpCode")}
              />
            </>
          ) : (
            <>
              <TextInput
                label="E-mail"
                type="email"
                autoComplete="username"
                {...form.getInputProps("email")}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                {...form.getInputProps("password")}
              />
            </>
          )}
          <Group justify="space-between">
            {needsCode ? (
              <Anchor component="button" type="button" size="sm" onClick={startOver}>
                Use a different account
              </Anchor>
            ) : (
              <Anchor component={Link} to="/forgot-password" size="sm">
                Forgot your password?
              </Anchor>
            )}
            <Button type="submit" loading={pending}>
              Sign in
            </Button>
          </Group>
          <Text size="sm" c="dimmed">
            Not a member yet?{" "}
            <Anchor component={Link} to="/request-access">
              Request access
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AccountCard>
  );
}
