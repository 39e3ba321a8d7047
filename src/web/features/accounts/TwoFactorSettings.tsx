import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Image,
  List,
  PasswordInput,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { type Me, meQueryKey } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { accountKeys, accountsApi, type TotpSetup } from "./api.js";
import { NewRecoveryCodes, RecoveryCodeStatus, RegenerateRecoveryCodes } from "./RecoveryCodes.js";

/** Two-factor state lives on `me` and the recovery-code list: both change together. */
function useRefreshTwoFactor() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: meQueryKey }),
      queryClient.invalidateQueries({ queryKey: accountKeys.recoveryCodes }),
    ]);
}

type ShowCodes = (codes: string[]) => void;

function ConfirmCode({
  setup,
  onCancel,
  onEnabled,
}: {
  setup: TotpSetup;
  onCancel: () => void;
  onEnabled: ShowCodes;
}) {
  const refresh = useRefreshTwoFactor();
  const form = useForm({
    initialValues: { code: "" },
    validate: { code: isNotEmpty("Enter the code your app shows.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    ({ code }) => accountsApi.enableTotp({ code: code.trim() }),
    {
      onSuccess: async ({ recoveryCodes }) => {
        onEnabled(recoveryCodes);
        await refresh();
        notifySuccess("Two-factor sign-in is on.");
      },
    },
  );

  return (
    <Stack>
      <List type="ordered" size="sm" spacing="xs">
        <List.Item>
          Scan this QR code with your authenticator app:
          <Image src={setup.qrCode} alt="QR code to add Convene to your authenticator app" w={200} h={200} />
        </List.Item>
        <List.Item>
          Or add an account to the app with this secret: <Code>{setup.secret}</Code>
        </List.Item>
        <List.Item>
          Or, on a phone with the app installed, open this link:{" "}
          <Anchor href={setup.otpauthUrl} style={{ wordBreak: "break-all" }}>
            {setup.otpauthUrl}
          </Anchor>
        </List.Item>
        <List.Item>Enter the 6-digit code the app shows to confirm.</List.Item>
      </List>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput
            label="Authentication code"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            {...form.getInputProps("code")}
          />
          <Group>
            <Button type="submit" loading={pending}>
              Turn on two-factor sign-in
            </Button>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function TurnOn({ onEnabled }: { onEnabled: ShowCodes }) {
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const start = useMutation({ mutationFn: accountsApi.setUpTotp, onSuccess: setSetup });
  if (setup) return <ConfirmCode setup={setup} onCancel={() => setSetup(null)} onEnabled={onEnabled} />;
  return (
    <Stack align="flex-start">
      <Text size="sm">
        Two-factor sign-in is off. Turn it on to ask for a code from an authenticator app each time you sign
        in.
      </Text>
      <ErrorAlert error={start.error} />
      <Button onClick={() => start.mutate()} loading={start.isPending}>
        Set up two-factor sign-in
      </Button>
    </Stack>
  );
}

function TurnOff() {
  const refresh = useRefreshTwoFactor();
  const form = useForm({
    initialValues: { password: "" },
    validate: { password: isNotEmpty("Enter your password.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, accountsApi.disableTotp, {
    onSuccess: async () => {
      await refresh();
      notifySuccess("Two-factor sign-in is off.");
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <PasswordInput
          label="Password"
          description="Enter your password to turn two-factor sign-in off"
          autoComplete="current-password"
          required
          {...form.getInputProps("password")}
        />
        <Button type="submit" color="red" variant="light" loading={pending} w="fit-content">
          Turn off two-factor sign-in
        </Button>
      </Stack>
    </form>
  );
}

function TwoFactorOn({ onNewCodes }: { onNewCodes: ShowCodes }) {
  return (
    <Stack>
      <Alert color="green" variant="light">
        Two-factor sign-in is on: signing in asks for a code from your authenticator app, or one of your
        recovery codes.
      </Alert>
      <RecoveryCodeStatus />
      <RegenerateRecoveryCodes onIssued={onNewCodes} />
      <TurnOff />
    </Stack>
  );
}

export function TwoFactorSettings({ me }: { me: Me }) {
  // Fresh recovery codes stay on screen until the person says they saved them: they are shown only once.
  const [freshCodes, setFreshCodes] = useState<string[] | null>(null);
  return (
    <Section title="Two-factor sign-in">
      {freshCodes ? (
        <NewRecoveryCodes codes={freshCodes} onDone={() => setFreshCodes(null)} />
      ) : me.totpEnabled ? (
        <TwoFactorOn onNewCodes={setFreshCodes} />
      ) : (
        <TurnOn onEnabled={setFreshCodes} />
      )}
    </Section>
  );
}
