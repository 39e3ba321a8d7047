import { Alert, Button, Code, CopyButton, Group, List, PasswordInput, Stack, Text } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { accountKeys, accountsApi, useRecoveryCodes } from "./api.js";

/** Numbered like the list the settings show, so a used code can be crossed off on paper. */
const asText = (codes: string[]) =>
  [
    "Convene recovery codes. Each signs you in once in place of a code from your authenticator app.",
    "",
    ...codes.map((code, index) => `${index + 1}. ${code}`),
    "",
  ].join("\n");

function download(codes: string[]) {
  const url = URL.createObjectURL(new Blob([asText(codes)], { type: "text/plain" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "convene-recovery-codes.txt";
  link.click();
  URL.revokeObjectURL(url);
}

/** A new set, shown this once: the server keeps only their hashes. */
export function NewRecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="yellow" variant="light" title="Save your recovery codes">
        If you lose your authenticator app, each code signs you in once instead. Keep them somewhere safe:
        they are not shown again.
      </Alert>
      <List type="ordered" aria-label="Recovery codes" spacing={4}>
        {codes.map((code) => (
          <List.Item key={code}>
            <Code fz="sm">{code}</Code>
          </List.Item>
        ))}
      </List>
      <Group>
        <CopyButton value={asText(codes)}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? "Copied" : "Copy codes"}
            </Button>
          )}
        </CopyButton>
        <Button variant="default" onClick={() => download(codes)}>
          Download codes
        </Button>
        <Button onClick={onDone}>I have saved them</Button>
      </Group>
    </Stack>
  );
}

/** How many codes are left and when each used one was used; never the codes themselves. */
export function RecoveryCodeStatus() {
  const { data, error } = useRecoveryCodes();
  if (error) return <ErrorAlert error={error} />;
  if (!data) return null;
  // Two-factor turned on before recovery codes existed comes without them.
  if (data.codes.length === 0) {
    return (
      <Text size="sm">
        You have no recovery codes. Generate them to be able to sign in if you lose your authenticator app.
      </Text>
    );
  }
  const used = data.codes.filter((code) => code.usedAt !== null);
  return (
    <Stack gap="xs">
      <Text size="sm">
        {data.codes.length - used.length} of {data.codes.length} recovery codes unused
        {data.generatedAt ? ` (generated ${formatDateTime(data.generatedAt)})` : ""}.
      </Text>
      {used.length > 0 && (
        <List size="sm" aria-label="Used recovery codes">
          {used.map((code) => (
            <List.Item key={code.number}>
              Code {code.number} used {formatDateTime(code.usedAt)}
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** Like turning two-factor off, a new set asks for the password: an open session is not enough. */
export function RegenerateRecoveryCodes({ onIssued }: { onIssued: (codes: string[]) => void }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const form = useForm({
    initialValues: { password: "" },
    validate: { password: isNotEmpty("Enter your password.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, accountsApi.regenerateRecoveryCodes, {
    onSuccess: async ({ recoveryCodes }) => {
      await queryClient.invalidateQueries({ queryKey: accountKeys.recoveryCodes });
      onIssued(recoveryCodes);
    },
  });
  if (!open) {
    return (
      <Button variant="default" w="fit-content" onClick={() => setOpen(true)}>
        Generate new recovery codes
      </Button>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <PasswordInput
          label="Password for new recovery codes"
          description="Your current recovery codes stop working"
          autoComplete="current-password"
          required
          {...form.getInputProps("password")}
        />
        <Group>
          <Button type="submit" loading={pending}>
            Generate new codes
          </Button>
          <Button variant="default" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
