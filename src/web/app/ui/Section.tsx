import { Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

type SectionProps = { title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode };

/** A titled card that groups one part of a page. */
export function Section({ title, description, actions, children }: SectionProps) {
  return (
    <Paper withBorder p="lg" component="section">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="sm">
          <div>
            <Title order={2} size="h4">
              {title}
            </Title>
            {description && (
              <Text size="sm" c="dimmed">
                {description}
              </Text>
            )}
          </div>
          {actions}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}
