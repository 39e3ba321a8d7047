import { Alert, Anchor, Button, Divider, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { isEmail, isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import {
  type OrganisationSignInProblem,
  organisationSignInProblems,
} from "../../../server/modules/accounts/contracts/organisation-sign-in.js";
import { isApiError } from "../../app/api.js";
import { useFormSubmit } from "../../app/forms.js";
import { safeReturnPath } from "../../app/gates.js";
import { Navigate, useGoTo } from "../../app/navigate.js";
import { type Me, meQueryKey, useMe } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi, type RequestOptions, type SecondFactorChoices } from "./api.js";
import { answerWithPasskey, browserSupportsWebAuthn, useBrowserSupportsPasskeys } from "./passkey-browser.js";

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

type SecondFactor = SecondFactorChoices["methods"][number];

/** The second step's choices, from the refusal that asks for it. */
const choicesOf = (failure: unknown): SecondFactorChoices | null =>
  isApiError(failure, "second_factor_required") ? (failure.details as SecondFactorChoices) : null;

/** Signs in with a passkey alone: the browser offers the passkeys it holds for this site. */
function PasskeySignIn({ onSignedIn }: { onSignedIn: (user: Me) => void }) {
  const canUsePasskeys = useBrowserSupportsPasskeys();
  const signIn = useMutation({
    mutationFn: async () =>
      accountsApi.signInWithPasskey(await answerWithPasskey(await accountsApi.passkeySignInOptions())),
    onSuccess: ({ user }) => onSignedIn(user),
  });
  if (!canUsePasskeys) return null;
  return (
    <Stack gap="xs">
      <ErrorAlert error={signIn.error} />
      <Button variant="default" onClick={() => signIn.mutate()} loading={signIn.isPending}>
        Sign in with a passkey
      </Button>
    </Stack>
  );
}

export function SignInPage() {
  const { data: me } = useMe();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const goTo = useGoTo();
  // After the password, an account with a second factor asks for it: the refusal says which it has.
  const [secondStep, setSecondStep] = useState<SecondFactorChoices | null>(null);
  const [method, setMethod] = useState<SecondFactor>("totp");
  // A passkey challenge answers once: after a try, the next one asks the server for a fresh one.
  const passkeyOptions = useRef<RequestOptions | null>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  // Whichever code is asked for next gets the focus, when it is first asked and when switching.
  const codeAskedFor = secondStep && method !== "passkey" ? method : null;
  useEffect(() => {
    if (codeAskedFor) codeInput.current?.focus();
  }, [codeAskedFor]);

  const form = useForm({
    // `passkey` is never typed: it holds the server's word on a refused passkey.
    initialValues: { email: "", password: "", totpCode: "", recoveryCode: "", passkey: "" },
    validate: {
      email: isEmail("Enter your e-mail address."),
      password: isNotEmpty("Enter your password."),
    },
  });

  const freshPasskeyOptions = async (email: string, password: string): Promise<RequestOptions> => {
    const options = passkeyOptions.current;
    passkeyOptions.current = null;
    if (options) return options;
    try {
      await accountsApi.signIn({ email, password });
    } catch (failure) {
      const fresh = choicesOf(failure)?.passkeyOptions;
      if (fresh) return fresh;
      throw failure;
    }
    throw new Error("This account no longer asks for a passkey. Sign in again.");
  };

  // Navigates as well: after clear(), this page's `me` would only notice the new person on its next render.
  const signedIn = (user: Me) => {
    queryClient.clear();
    queryClient.setQueryData(meQueryKey, user);
    goTo(safeReturnPath(params.get("next")), { replace: true });
  };

  const { onSubmit, error, pending } = useFormSubmit(
    form,
    async ({ email, password, totpCode, recoveryCode }) => {
      if (!secondStep) return accountsApi.signIn({ email, password });
      if (method === "passkey") {
        const passkey = await answerWithPasskey(await freshPasskeyOptions(email, password));
        return accountsApi.signIn({ email, password, passkey });
      }
      return accountsApi.signIn({
        email,
        password,
        totpCode: method === "totp" ? totpCode.trim() : undefined,
        recoveryCode: method === "recoveryCode" ? recoveryCode.trim() : undefined,
      });
    },
    {
      onSuccess: ({ user }) => signedIn(user),
      onError: (failure) => {
        const choices = secondStep ? null : choicesOf(failure);
        if (!choices) return false;
        setSecondStep(choices);
        // A browser that cannot use passkeys starts with the app's code, when the account has one.
        const usable = choices.methods.filter((factor) => factor !== "passkey" || browserSupportsWebAuthn());
        setMethod(usable[0] ?? choices.methods[0] ?? "totp");
        passkeyOptions.current = choices.passkeyOptions ?? null;
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
    setSecondStep(null);
    passkeyOptions.current = null;
    form.setValues({ password: "", totpCode: "", recoveryCode: "", passkey: "" });
    form.clearErrors();
  };
  const choose = (next: SecondFactor) => {
    setMethod(next);
    form.clearErrors();
  };
  const others = (secondStep?.methods ?? []).filter((other) => other !== method);
  const switchLabel: Record<SecondFactor, string> = {
    passkey: "Use your passkey",
    totp: "Use your authenticator app",
    recoveryCode: "Use a recovery code",
  };

  return (
    <AccountCard title="Sign in">
      <Stack>
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
            {secondStep && method === "passkey" ? (
              <>
                <Text size="sm">
                  <strong>{form.values.email}</strong> has a passkey. Confirm it is you with it: your browser
                  asks for your fingerprint, face, device PIN or security key.
                </Text>
                {form.errors.passkey && (
                  <Alert color="red" variant="light">
                    {form.errors.passkey}
                  </Alert>
                )}
              </>
            ) : secondStep && method === "recoveryCode" ? (
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
            ) : secondStep ? (
              <>
                <Text size="sm">
                  Two-factor sign-in is on for <strong>{form.values.email}</strong>. Enter the 6-digit code
                  your authenticator app shows now.
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
              {secondStep ? (
                <Stack gap={4} align="flex-start">
                  {others.map((other) => (
                    <Anchor
                      key={other}
                      component="button"
                      type="button"
                      size="sm"
                      onClick={() => choose(other)}
                    >
                      {switchLabel[other]}
                    </Anchor>
                  ))}
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
                {secondStep && method === "passkey" ? "Use your passkey" : "Sign in"}
              </Button>
            </Group>
            {!secondStep && (
              <>
                <Divider label="or" labelPosition="center" />
                <PasskeySignIn onSignedIn={signedIn} />
                <Button
                  variant="default"
                  onClick={signInWithOrganisation}
                  loading={organisationSignIn.isPending || Boolean(organisationSignIn.data?.redirectUrl)}
                >
                  Use your organisation's sign-in
                </Button>
              </>
            )}
          </Stack>
        </form>
        <Text size="sm" c="dimmed">
          Not a member yet?{" "}
          <Anchor component={Link} to="/request-access">
            Request access
          </Anchor>
        </Text>
      </Stack>
    </AccountCard>
  );
}
