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
  // Without the app at hand, one of the recovery codes saved at set-up stands in for its code.
  const [withRecoveryCode, setWithRecoveryCode] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  // Whichever code is asked for next gets the focus, when it is first asked and when switching.
  const codeAskedFor = needsCode ? (withRecoveryCode ? "recovery" : "app") : null;
  useEffect(() => {
    if (codeAskedFor) codeInput.current?.focus();
  }, [codeAskedFor]);

  const form = useForm({
    initialValues: { email: "", password: "", totpCode: "", recoveryCode: "" },
    validate: {
      email: isEmail("Enter your e-mail address."),
      password: isNotEmpty("Enter your password."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    ({ email, password, totpCode, recoveryCode }) =>
      accountsApi.signIn({
        email,
        password,
        totpCode: needsCode && !withRecoveryCode ? totpCode.trim() : undefined,
        recoveryCode: needsCode && withRecoveryCode ? recoveryCode.trim() : undefined,
      }),
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
    setWithRecoveryCode(false);
    form.setValues({ password: "", totpCode: "", recoveryCode: "" });
  };

  return (
    <AccountCard title="Sign in">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          {needsCode && withRecoveryCode ? (
            <>
              <Text size="sm">
                Enter one of the recovery codes you saved when you turned on two-factor sign-in for{" "}
                <strong>{form.values.email}</strong>. Each code works once.
              </Text>
              <TextInput
                label="Recovery code"
                autoComplete="off"
                spellCheck={false}
                ref={codeInput}
                {...form.getInputProps("recoveryCode")}
              />
            </>
          ) : needsCode ? (
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
                required
                type="email"
                autoComplete="username"
                {...form.getInputProps("email")}
              />
              <PasswordInput
                label="Password"
                required
                autoComplete="current-password"
                {...form.getInputProps("password")}
              />
            </>
          )}
          <Group justify="space-between">
            {needsCode ? (
              <Stack gap={4} align="flex-start">
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  onClick={() => setWithRecoveryCode(!withRecoveryCode)}
                >
                  {withRecoveryCode ? "Use your authenticator app" : "Use a recovery code"}
                </Anchor>
                <Anchor component="button" type="button" size="sm" onClick={startOver}>
                  Use a different account
                </Anchor>
              </Stack>
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
