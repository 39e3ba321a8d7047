import { Alert, Anchor, Button, Divider, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { isEmail, isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, Navigate, useSearchParams } from "react-router";
import {
  type OrganisationSignInProblem,
  organisationSignInProblems,
} from "../../../server/modules/accounts/contracts/organisation-sign-in.js";
import { isApiError } from "../../app/api.js";
import { useFormSubmit } from "../../app/forms.js";
import { safeReturnPath } from "../../app/gates.js";
import { meQueryKey, useMe } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi } from "./api.js";

/** Why a sign-in through the person's organisation came back here; the address names only the reason. */
const problemMessages: Record<OrganisationSignInProblem, string> = {
  denied:
    "Signing in at your organisation was cancelled or refused. Try again, or ask your organisation's IT team.",
  expired: "That sign-in took too long or was already used. Please start again.",
  mismatch: "That sign-in was not started in this browser. Please start again here.",
  unverified:
    "Your organisation's sign-in did not confirm your e-mail address. Ask your organisation's IT team.",
  not_covered:
    "Your organisation's sign-in gave an address at a domain Convene does not know for it. Ask the Convene team to add the domain.",
  elsewhere:
    "An account with that address belongs to another organisation, or to another person at your organisation's sign-in. Ask the Convene team.",
  deactivated: "Your Convene account is closed. Ask your organisation's admin or the Convene team.",
  disabled:
    "Your organisation's sign-in is turned off in Convene. Sign in with your password, or ask the Convene team.",
  unavailable: "Your organisation's sign-in could not be completed. Please try again in a moment.",
};

const problemIn = (value: string | null): OrganisationSignInProblem | null =>
  organisationSignInProblems.find((problem) => problem === value) ?? null;

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

  // Sends the browser to the organisation's identity provider, when the address's domain has one.
  const organisationSignIn = useMutation({
    mutationFn: (email: string) =>
      accountsApi.startOrganisationSignIn({ email, returnTo: safeReturnPath(params.get("next")) }),
    onSuccess: ({ redirectUrl }) => {
      if (redirectUrl) window.location.assign(redirectUrl);
    },
  });
  const signInWithOrganisation = () => {
    if (form.validateField("email").hasError) return;
    organisationSignIn.mutate(form.getValues().email.trim());
  };
  const problem = problemIn(params.get("organisationSignIn"));

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
          {problem && (
            <Alert color="red" variant="light" title="You are not signed in">
              {problemMessages[problem]}
            </Alert>
          )}
          <ErrorAlert error={error ?? organisationSignIn.error} />
          {organisationSignIn.data?.redirectUrl === null && (
            <Alert color="blue" variant="light" role="status">
              {form.values.email.trim()} does not sign in through an organisation's own sign-in: use your
              password.
            </Alert>
          )}
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
          {!needsCode && (
            <>
              <Divider label="or" labelPosition="center" />
              <Button
                variant="default"
                onClick={signInWithOrganisation}
                loading={organisationSignIn.isPending || Boolean(organisationSignIn.data?.redirectUrl)}
              >
                Use your organisation's sign-in
              </Button>
            </>
          )}
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
