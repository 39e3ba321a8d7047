import { ActionIcon, Button, Group, Menu, Modal, Stack, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { type Channel, type ChannelChange, chatApi, chatKeys } from "./api.js";
import { channelLabel } from "./labels.js";

function EditChannelForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm<Required<Pick<ChannelChange, "name" | "topic" | "description">>>({
    initialValues: { name: channel.name, topic: channel.topic, description: channel.description },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (change) => chatApi.changeChannel(channel.id, change),
    {
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: chatKeys.channels });
        onDone();
      },
      afterSuccess: "keep",
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        {!channel.isAnnouncements && (
          <TextInput label="Name" data-autofocus {...form.getInputProps("name")} />
        )}
        <TextInput label="Topic" {...form.getInputProps("topic")} />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps("description")} />
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Channel settings: details and archiving for staff and the channel's creator, leaving for members. */
export function ChannelMenu({ channel }: { channel: Channel }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [editing, { open: edit, close: closeEdit }] = useDisclosure(false);
  const archive = useMutation({
    mutationFn: () => chatApi.changeChannel(channel.id, { archived: !channel.archived }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chatKeys.channels }),
    onError: (error) => notifyFailure(error.message),
  });
  const leave = useMutation({
    mutationFn: () => chatApi.leave(channel.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: chatKeys.channels });
      navigate("/chat");
    },
    onError: (error) => notifyFailure(error.message),
  });
  const manage = channel.canManage && channel.kind !== "dm";
  const canLeave = channel.isMember && !channel.isAnnouncements;
  if (!manage && !canLeave) return null;

  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <ActionIcon variant="default" aria-label={`Settings for ${channelLabel(channel)}`}>
            <span aria-hidden>⋯</span>
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {manage && <Menu.Item onClick={edit}>Edit name, topic and description</Menu.Item>}
          {manage && !channel.isAnnouncements && (
            <Menu.Item onClick={() => archive.mutate()}>
              {channel.archived ? "Unarchive channel" : "Archive channel"}
            </Menu.Item>
          )}
          {canLeave && (
            <Menu.Item color="red" onClick={() => leave.mutate()}>
              {channel.kind === "dm" ? "Leave conversation" : "Leave channel"}
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      <Modal opened={editing} onClose={closeEdit} title={`Edit ${channelLabel(channel)}`}>
        <EditChannelForm channel={channel} onDone={closeEdit} />
      </Modal>
    </>
  );
}
