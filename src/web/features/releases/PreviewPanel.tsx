import { Accordion, Code, Paper, Stack, Text, Title } from "@mantine/core";
import { ServerHtml } from "../desk/ServerHtml.js";
import type { ReleasePreview } from "./api.js";
import { SlackPreview } from "./SlackPreview.js";

/** What publishing will send, rendered by the server: the notes, the Slack message, the e-mail and the post. */
export function PreviewPanel({ preview }: { preview: ReleasePreview }) {
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="release-preview-title">
      <Stack gap="md">
        <Title order={2} size="h4" id="release-preview-title">
          Preview
        </Title>
        <Stack gap={4}>
          <Title order={3} size="h6">
            Release notes
          </Title>
          <div data-testid="preview-notes">
            <ServerHtml html={preview.html} />
          </div>
        </Stack>
        <Stack gap={4}>
          <Title order={3} size="h6">
            Slack payload
          </Title>
          <Text size="xs" c="dimmed">
            The message every active webhook receives, signed with its secret, as Slack shows it.
          </Text>
          <SlackPreview payload={preview.slack} />
        </Stack>
        <Accordion variant="contained">
          <Accordion.Item value="email">
            <Accordion.Control>E-mail: {preview.email.subject}</Accordion.Control>
            <Accordion.Panel>
              <Code block style={{ whiteSpace: "pre-wrap" }}>
                {preview.email.text}
              </Code>
            </Accordion.Panel>
          </Accordion.Item>
          <Accordion.Item value="announcement">
            <Accordion.Control>Post in #announcements</Accordion.Control>
            <Accordion.Panel>
              <ServerHtml html={preview.announcement.html} />
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </Stack>
    </Paper>
  );
}
