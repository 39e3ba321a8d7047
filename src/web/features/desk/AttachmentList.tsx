import { Anchor, Button, FileButton, Group, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { formatBytes, formatDateTime } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { deskApi, type Ticket, useTicketRefresh } from "./api.js";

export function AttachmentList({ ticket }: { ticket: Ticket }) {
  const refresh = useTicketRefresh(ticket.id);
  const upload = useMutation({
    mutationFn: (file: File) => deskApi.attach(ticket.id, file),
    onSuccess: (attachment) => {
      notifySuccess(`${attachment.filename} is attached.`);
      return refresh();
    },
  });

  return (
    <Stack gap="xs">
      {ticket.attachments.length === 0 ? (
        <Text size="sm" c="dimmed">
          No files attached.
        </Text>
      ) : (
        <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: "none" }}>
          {ticket.attachments.map((attachment) => (
            <li key={attachment.id}>
              <Anchor href={attachment.url} size="sm" fw={500} download={attachment.filename}>
                {attachment.filename}
              </Anchor>
              <Text size="xs" c="dimmed">
                {formatBytes(attachment.size)} · {formatDateTime(attachment.createdAt)}
              </Text>
            </li>
          ))}
        </Stack>
      )}
      <ErrorAlert error={upload.error} />
      <Group>
        <FileButton
          onChange={(file) => file && upload.mutate(file)}
          inputProps={{ "aria-label": "Attach a file" }}
        >
          {(props) => (
            <Button {...props} variant="default" size="xs" loading={upload.isPending}>
              Attach a file
            </Button>
          )}
        </FileButton>
      </Group>
    </Stack>
  );
}
