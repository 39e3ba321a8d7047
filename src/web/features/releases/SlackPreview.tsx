import {
  Anchor,
  Box,
  Button,
  Code,
  Collapse,
  Divider,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Fragment } from "react";
import type { SlackPayload } from "./api.js";
import { parseMrkdwn } from "./slack-mrkdwn.js";

type TextObject = { type?: string; text?: string };
type Block = SlackPayload["blocks"][number];

function Mrkdwn({ text }: { text: string }) {
  return (
    <>
      {parseMrkdwn(text).map((run, i) => {
        const key = `${i}-${run.kind}`;
        switch (run.kind) {
          case "bold":
            return <strong key={key}>{run.text}</strong>;
          case "italic":
            return <em key={key}>{run.text}</em>;
          case "strike":
            return <s key={key}>{run.text}</s>;
          case "code":
            return <Code key={key}>{run.text}</Code>;
          case "link":
            return (
              <Anchor key={key} href={run.href} target="_blank" rel="noreferrer" inherit>
                {run.text}
              </Anchor>
            );
          default:
            return <Fragment key={key}>{run.text}</Fragment>;
        }
      })}
    </>
  );
}

const textOf = (value: unknown): string => (value as TextObject | undefined)?.text ?? "";

/** A text object as Slack shows it: mrkdwn formatted, plain text as it is. */
function SlackText({ value }: { value: unknown }) {
  const object = value as TextObject | undefined;
  if (!object?.text) return null;
  return object.type === "mrkdwn" ? <Mrkdwn text={object.text} /> : object.text;
}

function SlackBlock({ block }: { block: Block }) {
  switch (block.type) {
    case "header":
      return (
        <Text fw={700} size="lg">
          {textOf(block.text)}
        </Text>
      );
    case "context":
      return (
        <Text size="xs" c="dimmed">
          {((block.elements as unknown[]) ?? []).map((element, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a block's elements never reorder.
            <SlackText key={i} value={element} />
          ))}
        </Text>
      );
    case "section":
      return (
        <Stack gap="xs">
          {block.text !== undefined && (
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              <SlackText value={block.text} />
            </Text>
          )}
          {Array.isArray(block.fields) && (
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              {block.fields.map((field, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a block's fields never reorder.
                <Text key={i} size="sm" style={{ whiteSpace: "pre-wrap" }}>
                  <SlackText value={field} />
                </Text>
              ))}
            </SimpleGrid>
          )}
        </Stack>
      );
    case "divider":
      return <Divider />;
    case "actions":
      return (
        <Group gap="xs">
          {((block.elements as Record<string, unknown>[]) ?? []).map((element, i) => (
            <Button
              // biome-ignore lint/suspicious/noArrayIndexKey: a block's elements never reorder.
              key={i}
              component="a"
              href={typeof element.url === "string" ? element.url : undefined}
              target="_blank"
              rel="noreferrer"
              variant="default"
              size="compact-sm"
            >
              {textOf(element.text)}
            </Button>
          ))}
        </Group>
      );
    default:
      return null;
  }
}

/**
 * The release's webhook message drawn the way Slack shows its blocks, with the JSON body itself (what
 * every active webhook receives, signed with its secret) one click away.
 */
export function SlackPreview({ payload }: { payload: SlackPayload }) {
  const [jsonShown, { toggle }] = useDisclosure(false);
  return (
    <Stack gap="xs">
      <Paper withBorder p="md" data-testid="preview-slack-message">
        <Group align="flex-start" gap="sm" wrap="nowrap">
          <Box
            aria-hidden
            w={36}
            h={36}
            bg="indigo.7"
            c="white"
            style={{ borderRadius: 6, display: "grid", placeItems: "center", flex: "none", fontWeight: 700 }}
          >
            C
          </Box>
          <Stack gap="xs" style={{ minWidth: 0, flex: 1 }}>
            <Text size="sm" fw={700}>
              Convene{" "}
              <Text span size="xs" c="dimmed" fw={400}>
                APP
              </Text>
            </Text>
            {payload.blocks.map((block, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the blocks are a fixed preview.
              <SlackBlock key={i} block={block} />
            ))}
          </Stack>
        </Group>
      </Paper>
      <Button variant="subtle" size="compact-sm" w="fit-content" onClick={toggle} aria-expanded={jsonShown}>
        {jsonShown ? "Hide the JSON" : "Show the JSON"}
      </Button>
      <Collapse expanded={jsonShown}>
        <Code
          block
          // It scrolls: focusable, so it can be scrolled from the keyboard.
          tabIndex={0}
          aria-label="The webhook's JSON body"
          data-testid="preview-slack"
          style={{ maxHeight: 420, overflow: "auto" }}
        >
          {JSON.stringify(payload, null, 2)}
        </Code>
      </Collapse>
    </Stack>
  );
}
