import { Button, Group, List, Modal, Radio, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { STAFF_ERASURE_PHRASE } from "../../../server/modules/accounts/contracts/personal-data.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { type AdminUser, adminApi, adminKeys } from "./api.js";

type ErasureForm = { removeContent: string; confirmation: string };

/** Staff erase an account now: for good, with its owner's content kept under a pseudonym or removed. */
export function EraseUserDialog({
  user,
  opened,
  onClose,
}: {
  user: AdminUser;
  opened: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const form = useForm<ErasureForm>({ initialValues: { removeContent: "keep", confirmation: "" } });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: ErasureForm) =>
      adminApi.eraseUser(user.id, {
        removeContent: values.removeContent === "remove",
        confirmation: values.confirmation.trim().toLowerCase() as typeof STAFF_ERASURE_PHRASE,
      }),
    {
      onSuccess: (erased) => {
        notifySuccess(`${user.name} is erased; they show as ${erased.name} from now on.`);
        onClose();
        return queryClient.invalidateQueries({ queryKey: adminKeys.allUsers });
      },
    },
  );
  const confirmed = form.getValues().confirmation.trim().toLowerCase() === STAFF_ERASURE_PHRASE;
  return (
    <Modal opened={opened} onClose={onClose} title={`Erase ${user.name}`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <Text size="sm">This cannot be undone. At once:</Text>
          <List size="sm" spacing={4}>
            <List.Item>
              their name and address ({user.email}) are replaced by a pseudonym everywhere;
            </List.Item>
            <List.Item>their sessions, sign-in, two-factor and notification settings are removed;</List.Item>
            <List.Item>the audit trail keeps what they did, under the pseudonym.</List.Item>
          </List>
          <Radio.Group label="What they wrote" {...form.getInputProps("removeContent")}>
            <Stack gap={6} mt={6}>
              <Radio value="keep" label="Keep it, shown under the pseudonym" />
              <Radio value="remove" label="Remove it (messages show as removed; shared documents stay)" />
            </Stack>
          </Radio.Group>
          <TextInput
            label="Confirmation"
            description={`Type “${STAFF_ERASURE_PHRASE}” to confirm.`}
            autoComplete="off"
            {...form.getInputProps("confirmation")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={pending} disabled={!confirmed}>
              Erase account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
