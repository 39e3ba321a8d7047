import { ActionIcon, Button, Group, Menu, Modal, Stack, Switch, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { IconCheck, IconDots } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { type Channel, type ChannelChange, chatApi, chatKeys } from "./api.js";
import { useFollowLevel } from "./follows.js";
import { channelLabel } from "./labels.js";

/** How much of a channel reaches the inbox; "mentions" is the default, kept as no choice at all. */
const channelLevels = [
  { level: "follow", label: "All new messages" },
  { level: null, label: "Mentions only" },
  { level: "mute", label: "Muted" },
] as const;

function NotificationLevelItems({ channel }: { channel: Channel }) {
  const { level, change } = useFollowLevel({ type: "chat_channel", id: channel.id });
  const current = level === "mentions" ? null : level;
  return (
    <>
      <Menu.Label>Notify me of</Menu.Label>
      {channelLevels.map((choice) => {
        const chosen = current !== undefined && choice.level === current;
        return (
          <Menu.Item
            key={choice.label}
            role="menuitemradio"
            aria-checked={chosen}
            leftSection={
              <span style={{ visibility: chosen ? "visible" : "hidden" }}>
                <UiIcon icon={IconCheck} />
              </span>
            }
            onClick={() => change.mutate(choice.level)}
          >
            {choice.label}
          </Menu.Item>
        );
      })}
      <Menu.Divider />
    </>
  );
}

function EditChannelForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const queryClient = useQueryClient();
  const me = useSignedInMe();
  // The product team chooses the open public channels newcomers are put in on their first visit.
  const choosesNewcomerChannels =
    me.isStaff && channel.kind === "public" && !channel.isAnnouncements && !channel.archived;
  const form = useForm<Required<Pick<ChannelChange, "name" | "topic" | "description" | "newcomersJoin">>>({
    initialValues: {
      name: channel.name,
      topic: channel.topic,
      description: channel.description,
      newcomersJoin: channel.newcomersJoin,
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    ({ newcomersJoin, ...details }) =>
      chatApi.changeChannel(channel.id, choosesNewcomerChannels ? { ...details, newcomersJoin } : details),
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
        {choosesNewcomerChannels && (
          <Switch
            label="Newcomers join this channel"
            description="People joining the community are put in it on their first visit to chat."
            {...form.getInputProps("newcomersJoin", { type: "checkbox" })}
          />
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Channel settings: what of it notifies a member, details and archiving for staff and the channel's
 * creator, leaving for members.
 */
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
  if (!manage && !canLeave && !channel.isMember) return null;

  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <ActionIcon variant="default" aria-label={`Settings for ${channelLabel(channel)}`}>
            <UiIcon icon={IconDots} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {channel.isMember && <NotificationLevelItems channel={channel} />}
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
