import { Alert, Button, Code, Group, PasswordInput, Stack, Switch, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { splitList } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import {
  adminApi,
  adminKeys,
  type IdentityProviderInput,
  type Organisation,
  type OrganisationSignInSettings,
  useOrganisationSignIn,
} from "./api.js";

type Values = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  domains: string;
  enabled: boolean;
  passwordSignIn: boolean;
};

type Props = { organisation: Organisation; onDone: () => void };

/** Staff set an organisation's identity provider: where its people sign in instead of with a password. */
export function OrganisationSignInForm({ organisation, onDone }: Props) {
  const settings = useOrganisationSignIn(organisation.id);
  if (settings.isPending) return <PageLoader />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  return <SignInSettingsForm organisation={organisation} settings={settings.data} onDone={onDone} />;
}

function SignInSettingsForm({
  organisation,
  settings,
  onDone,
}: Props & { settings: OrganisationSignInSettings }) {
  const queryClient = useQueryClient();
  const provider = settings.identityProvider;
  const form = useForm<Values, IdentityProviderInput>({
    initialValues: {
      issuer: provider?.issuer ?? "",
      clientId: provider?.clientId ?? "",
      clientSecret: "",
      domains: (provider?.domains ?? organisation.domains).join(", "),
      enabled: provider?.enabled ?? true,
      passwordSignIn: settings.passwordSignIn,
    },
    transformValues: (values) => ({
      issuer: values.issuer.trim(),
      clientId: values.clientId.trim(),
      // Left empty, the stored secret stays: the form never receives it.
      clientSecret: values.clientSecret || undefined,
      domains: splitList(values.domains),
      enabled: values.enabled,
      passwordSignIn: values.passwordSignIn,
    }),
  });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: adminKeys.organisationSignIn(organisation.id) }),
      queryClient.invalidateQueries({ queryKey: adminKeys.organisations }),
    ]);
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (input) => adminApi.configureSignIn(organisation.id, input),
    {
      onSuccess: () => {
        notifySuccess(`${organisation.name}'s sign-in is saved.`);
        onDone();
        return refresh();
      },
      afterSuccess: "keep",
    },
  );
  const discovery = useMutation({ mutationFn: (issuer: string) => adminApi.checkDiscovery(issuer) });
  const removal = useMutation({
    mutationFn: () => adminApi.removeSignIn(organisation.id),
    onSuccess: () => {
      notifySuccess(`${organisation.name}'s people sign in with passwords again.`);
      onDone();
      return refresh();
    },
  });
  // Removing turns password sign-in back on for everyone at once: asked again before it happens.
  const [confirmingRemoval, setConfirmingRemoval] = useState(false);
  const redirectUri = `${window.location.origin}/api/auth/oidc/callback`;

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error ?? removal.error} />
        <Text size="sm">
          People at the domains below sign in through this OpenID provider; the first time, they join{" "}
          {organisation.name}. Register Convene with the provider as a web client whose redirect URI is{" "}
          <Code>{redirectUri}</Code>.
        </Text>
        <TextInput
          label="Issuer"
          description="The provider's issuer address, such as https://login.example.com"
          data-autofocus
          {...form.getInputProps("issuer")}
        />
        <Group>
          <Button
            variant="default"
            size="xs"
            loading={discovery.isPending}
            onClick={() => discovery.mutate(form.getValues().issuer.trim())}
          >
            Test discovery
          </Button>
        </Group>
        {discovery.data && (
          <Alert
            color={discovery.data.ok ? "green" : "red"}
            title={discovery.data.ok ? "Discovery works" : "Discovery failed"}
            role="status"
          >
            {discovery.data.message}
          </Alert>
        )}
        {discovery.error && <ErrorAlert error={discovery.error} />}
        <TextInput label="Client id" autoComplete="off" {...form.getInputProps("clientId")} />
        <PasswordInput
          label="Client secret"
          autoComplete="new-password"
          description={
            provider
              ? "Stored sealed and never shown. Leave empty to keep the current one."
              : "Stored sealed and never shown again."
          }
          {...form.getInputProps("clientSecret")}
        />
        <TextInput
          label="Domains"
          description="E-mail domains whose people sign in here, separated by commas; a new one is added to the organisation"
          {...form.getInputProps("domains")}
        />
        <Switch
          label="Sign-in through this provider is enabled"
          {...form.getInputProps("enabled", { type: "checkbox" })}
        />
        <Switch
          label="People may also sign in with a Convene password"
          description="Can be off only while the provider is enabled, so nobody is locked out"
          {...form.getInputProps("passwordSignIn", { type: "checkbox" })}
        />
        {confirmingRemoval && (
          <Alert color="red" title="Remove this provider?">
            <Stack gap="xs">
              <Text size="sm">
                {organisation.name}'s people will sign in with a Convene password again; those who joined
                through the provider have none yet and set one with “Forgot password”.
              </Text>
              <Group>
                <Button color="red" size="xs" loading={removal.isPending} onClick={() => removal.mutate()}>
                  Remove the provider
                </Button>
                <Button variant="default" size="xs" onClick={() => setConfirmingRemoval(false)}>
                  Keep it
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <Group justify="space-between">
          {provider && !confirmingRemoval ? (
            <Button color="red" variant="subtle" onClick={() => setConfirmingRemoval(true)}>
              Remove provider
            </Button>
          ) : (
            <span />
          )}
          <Group>
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              Save sign-in
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
