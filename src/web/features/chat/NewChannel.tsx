import { Button, Group, Modal, SegmentedControl, Stack, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { type ChannelInput, chatApi, chatKeys } from "./api.js";

function NewChannelForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<ChannelInput>({
    initialValues: { name: "", kind: "public", topic: "", description: "" },
    validate: { name: isNotEmpty("Name the channel.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, chatApi.createChannel, {
    onSuccess: async (channel) => {
      await queryClient.invalidateQueries({ queryKey: chatKeys.channels });
      onDone();
      navigate(`/chat/${channel.id}`);
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <TextInput
          label="Name"
          description="Lower case, digits and dashes, such as release-planning."
          required
          data-autofocus
          {...form.getInputProps("name")}
        />
        <SegmentedControl
          aria-label="Who may join"
          data={[
            { value: "public", label: "Public: anyone may join" },
            { value: "private", label: "Private: by invitation" },
          ]}
          {...form.getInputProps("kind")}
        />
        <TextInput label="Topic" {...form.getInputProps("topic")} />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps("description")} />
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            Create channel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function NewChannelButton() {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button variant="subtle" size="compact-sm" onClick={open}>
        New channel
      </Button>
      <Modal opened={opened} onClose={close} title="New channel">
        <NewChannelForm onDone={close} />
      </Modal>
    </>
  );
}
