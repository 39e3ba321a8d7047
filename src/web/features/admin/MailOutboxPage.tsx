import { Accordion, Anchor, Badge, Group, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type MailMessage, useMailOutbox } from "./api.js";

const urlPattern = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])/;

/** Plain mail text with its web addresses made clickable (invitation and reset links). */
function TextWithLinks({ text }: { text: string }) {
  // Splitting on a capturing pattern puts the addresses at the odd positions.
  const parts = text.split(urlPattern);
  return (
    <Text size="sm" ff="monospace" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never move.
          <Anchor key={index} href={part} inherit>
            {part}
          </Anchor>
        ) : (
          part
        ),
      )}
    </Text>
  );
}

const statusColour: Record<string, string> = {
  sent: "green",
  stored: "blue",
  pending: "yellow",
  failed: "red",
};

function MessageList({ messages }: { messages: MailMessage[] }) {
  if (messages.length === 0) return <Text c="dimmed">No mail matches.</Text>;
  return (
    <Accordion variant="separated" multiple>
      {messages.map((message) => (
        <Accordion.Item key={message.id} value={message.id}>
          <Accordion.Control>
            <Group justify="space-between" wrap="nowrap" gap="sm">
              <div>
                <Text size="sm" fw={500}>
                  {message.subject}
                </Text>
                <Text size="xs" c="dimmed">
                  To {message.to} · {formatDateTime(message.createdAt)}
                </Text>
              </div>
              <Badge color={statusColour[message.status] ?? "gray"} variant="light">
                {message.status}
              </Badge>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <TextWithLinks text={message.text} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

export function MailOutboxPage() {
  const [to, setTo] = useState("");
  const [debouncedTo] = useDebouncedValue(to.trim(), 300);
  const mail = useMailOutbox(debouncedTo);
  return (
    <Page title="Mail outbox">
      <Text c="dimmed" size="sm">
        Every e-mail Convene sent, newest first. Without an SMTP server configured, this is where mail stays.
      </Text>
      <TextInput
        label="Recipient"
        placeholder="Part of an e-mail address"
        type="search"
        value={to}
        onChange={(event) => setTo(event.currentTarget.value)}
        maw={360}
      />
      {mail.isPending ? (
        <PageLoader />
      ) : mail.isError ? (
        <ErrorAlert error={mail.error} />
      ) : (
        <MessageList messages={mail.data} />
      )}
    </Page>
  );
}
