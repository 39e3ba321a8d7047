import { Box, Group, Stack, Text } from "@mantine/core";

export type Bar = {
  label: string;
  value: number /** Shown after the bar instead of the bare value. */;
  caption?: string;
};

/**
 * Horizontal bars drawn with plain elements: readable without colour (every bar has its number
 * written beside it) and announced as a list by screen readers, which a canvas chart is not.
 */
export function BarChart({ title, bars, max }: { title: string; bars: Bar[]; max?: number }) {
  const scale = Math.max(max ?? 0, ...bars.map((bar) => bar.value), 1);
  return (
    <Stack gap={4} component="figure" m={0} aria-label={title}>
      <Text size="sm" fw={500} component="figcaption">
        {title}
      </Text>
      <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: "none" }}>
        {bars.map((bar) => (
          <Group
            key={bar.label}
            gap="xs"
            wrap="nowrap"
            component="li"
            aria-label={`${bar.label}: ${bar.caption ?? bar.value}`}
          >
            <Text size="xs" w={140} ta="right" truncate="end" aria-hidden>
              {bar.label}
            </Text>
            <Box
              style={{ flex: 1, background: "var(--mantine-color-gray-light)", borderRadius: 3 }}
              h={14}
              aria-hidden
            >
              <Box
                h="100%"
                data-testid="bar"
                style={{
                  width: `${(bar.value / scale) * 100}%`,
                  background: "var(--mantine-color-blue-filled)",
                  borderRadius: 3,
                }}
              />
            </Box>
            <Text size="xs" w={70} aria-hidden>
              {bar.caption ?? bar.value}
            </Text>
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}
