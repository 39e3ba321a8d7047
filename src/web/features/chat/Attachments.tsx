import { Anchor, Group, Image, Stack, Text } from "@mantine/core";
import { formatBytes } from "../../app/format.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import type { MessageAttachment } from "./api.js";
import { chatIcons } from "./icons.js";

/** Images shown small, other files as downloads. */
export function Attachments({ attachments }: { attachments: MessageAttachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <Stack gap={6} mt={4}>
      {attachments.map((attachment) =>
        attachment.isImage && attachment.url ? (
          <Anchor key={attachment.id} href={attachment.url} target="_blank" rel="noopener" w="fit-content">
            <Image
              src={attachment.url}
              alt={attachment.filename}
              maw={360}
              mah={240}
              w="auto"
              fit="contain"
              radius="sm"
              loading="lazy"
            />
          </Anchor>
        ) : (
          <Group key={attachment.id} gap={6}>
            <Text span c="dimmed" display="inline-flex">
              <UiIcon icon={chatIcons.attachment} />
            </Text>
            {attachment.url ? (
              <Anchor href={attachment.url} download={attachment.filename} size="sm">
                {attachment.filename}
              </Anchor>
            ) : (
              <Text span size="sm">
                {attachment.filename}
              </Text>
            )}
            <Text span size="xs" c="dimmed">
              {formatBytes(attachment.size)}
            </Text>
          </Group>
        ),
      )}
    </Stack>
  );
}
