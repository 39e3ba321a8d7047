import { Button, Group, Modal, PasswordInput, Stack, Table, Text, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import { accountKeys, accountsApi, type Passkey, usePasskeys } from "./api.js";
import { createPasskey, useBrowserSupportsPasskeys } from "./passkey-browser.js";

const nameRule = isNotEmpty("Give the passkey a name, such as the device it is on.");

function useRefreshPasskeys() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: accountKeys.passkeys });
}

function AddPasskey() {
  const canUsePasskeys = useBrowserSupportsPasskeys();
  const refresh = useRefreshPasskeys();
  // `response` is never typed: it holds the server's word on an authenticator's answer it refused.
  const form = useForm({ initialValues: { name: "", response: "" }, validate: { name: nameRule } });
  const { onSubmit, error, pending } = useFormSubmit(form, ({ name }) => createPasskey(name.trim()), {
    onSuccess: async (passkey) => {
      await refresh();
      notifySuccess(`The passkey “${passkey.name}” is added.`);
    },
  });
  if (!canUsePasskeys) {
    return <Text size="sm">This browser cannot make passkeys. Try a current browser on this device.</Text>;
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error ?? form.errors.response} />
        <Group align="flex-end">
          <TextInput
            label="Passkey name"
            description="Which device or password manager holds it, e.g. “Work laptop”"
            required
            maw={360}
            style={{ flexGrow: 1 }}
            {...form.getInputProps("name")}
          />
          <Button type="submit" loading={pending}>
            Add a passkey
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RenameDialog({ passkey, onClose }: { passkey: Passkey; onClose: () => void }) {
  const refresh = useRefreshPasskeys();
  const form = useForm({ initialValues: { name: passkey.name }, validate: { name: nameRule } });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    ({ name }) => accountsApi.renamePasskey(passkey.id, { name: name.trim() }),
    {
      onSuccess: async () => {
        await refresh();
        notifySuccess("The passkey is renamed.");
        onClose();
      },
    },
  );
  return (
    <Modal opened onClose={onClose} title={`Rename “${passkey.name}”`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput label="Passkey name" required data-autofocus {...form.getInputProps("name")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              Save name
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Like turning two-factor off, removing a passkey asks for the password. */
function RemoveDialog({ passkey, onClose }: { passkey: Passkey; onClose: () => void }) {
  const refresh = useRefreshPasskeys();
  const form = useForm({
    initialValues: { password: "" },
    validate: { password: isNotEmpty("Enter your password.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => accountsApi.removePasskey(passkey.id, values),
    {
      onSuccess: async () => {
        await refresh();
        notifySuccess(`The passkey “${passkey.name}” is removed.`);
        onClose();
      },
    },
  );
  return (
    <Modal opened onClose={onClose} title={`Remove “${passkey.name}”?`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Text size="sm">
            It will no longer sign you in. Remove it from the device or password manager too.
          </Text>
          <ErrorAlert error={error} />
          <PasswordInput
            label="Password"
            description="Enter your password to remove the passkey"
            autoComplete="current-password"
            required
            data-autofocus
            {...form.getInputProps("password")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Keep it
            </Button>
            <Button type="submit" color="red" loading={pending}>
              Remove passkey
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type Dialog = { kind: "rename" | "remove"; passkey: Passkey } | null;

function PasskeyTable({ passkeys }: { passkeys: Passkey[] }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);
  return (
    <>
      <ResponsiveTable minWidth={520}>
        <Table verticalSpacing="xs" aria-label="Your passkeys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th visibleFrom="sm">Added</Table.Th>
              <Table.Th>Last used</Table.Th>
              <ActionsHeader />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {passkeys.map((passkey) => (
              <Table.Tr key={passkey.id}>
                <Table.Td>
                  <Text size="sm">{passkey.name}</Text>
                  {passkey.backedUp && (
                    <Text size="xs" c="dimmed">
                      Synced to your other devices
                    </Text>
                  )}
                </Table.Td>
                <Table.Td visibleFrom="sm">{formatDateTime(passkey.createdAt)}</Table.Td>
                <Table.Td>{passkey.lastUsedAt ? formatDateTime(passkey.lastUsedAt) : "Not yet"}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="light"
                      aria-label={`Rename ${passkey.name}`}
                      onClick={() => setDialog({ kind: "rename", passkey })}
                    >
                      Rename
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      aria-label={`Remove ${passkey.name}`}
                      onClick={() => setDialog({ kind: "remove", passkey })}
                    >
                      Remove
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ResponsiveTable>
      {dialog?.kind === "rename" && <RenameDialog passkey={dialog.passkey} onClose={close} />}
      {dialog?.kind === "remove" && <RemoveDialog passkey={dialog.passkey} onClose={close} />}
    </>
  );
}

export function PasskeySettings() {
  const passkeys = usePasskeys();
  return (
    <Section
      title="Passkeys"
      description="Sign in with your fingerprint, face or device PIN instead of your password. After your password, a passkey also serves as the second step."
    >
      {passkeys.isPending ? (
        <PageLoader />
      ) : passkeys.isError ? (
        <ErrorAlert error={passkeys.error} />
      ) : passkeys.data.length === 0 ? (
        <Text size="sm">You have no passkeys yet.</Text>
      ) : (
        <PasskeyTable passkeys={passkeys.data} />
      )}
      <AddPasskey />
    </Section>
  );
}
