import { Box, Group, Text } from "@mantine/core";
import type { DiffPart } from "./documents-api.js";

type DiffLabels = { delete: string; insert: string };

const lineStyle = {
  delete: { background: "var(--mantine-color-red-light)", color: "var(--mantine-color-red-light-color)" },
  insert: { background: "var(--mantine-color-green-light)", color: "var(--mantine-color-green-light-color)" },
  equal: {},
} as const;
const marker = { delete: "−", insert: "+", equal: " " } as const;

/**
 * A line diff as colour-coded lines. Colour is not the only signal: each changed line starts with
 * − or +, and the legend says whose text each sign stands for.
 */
export function DiffView({ diff, labels }: { diff: DiffPart[]; labels: DiffLabels }) {
  const lines = diff.flatMap((part, partIndex) =>
    part.text.split("\n").map((text, lineIndex) => ({ op: part.op, text, key: `${partIndex}-${lineIndex}` })),
  );
  const changed = diff.some((part) => part.op !== "equal");
  return (
    <Box data-testid="diff">
      <Group gap="md" mb="xs">
        <Text size="xs" span style={lineStyle.delete} px={4}>
          {marker.delete} {labels.delete}
        </Text>
        <Text size="xs" span style={lineStyle.insert} px={4}>
          {marker.insert} {labels.insert}
        </Text>
      </Group>
      {!changed && (
        <Text size="sm" c="dimmed">
          The two texts are the same.
        </Text>
      )}
      <Box
        component="pre"
        m={0}
        p="xs"
        fz="sm"
        style={{
          overflowX: "auto",
          border: "1px solid var(--mantine-color-default-border)",
          borderRadius: 4,
        }}
      >
        {lines.map((line) => (
          <div key={line.key} data-diff={line.op} style={lineStyle[line.op]}>
            {marker[line.op]} {line.text}
          </div>
        ))}
      </Box>
    </Box>
  );
}
