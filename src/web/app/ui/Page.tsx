import { Container, type ContainerProps, Group, Stack, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import type { ReactNode } from "react";

type PageProps = {
  title: string;
  /** Buttons shown beside the title. */
  actions?: ReactNode;
  size?: ContainerProps["size"];
  children: ReactNode;
};

/** A page's frame: its heading, the browser tab title, and a readable width. */
export function Page({ title, actions, size = "lg", children }: PageProps) {
  useDocumentTitle(`${title} · Convene`);
  return (
    <Container size={size} px={0}>
      <Stack gap="lg">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Title order={1} size="h2">
            {title}
          </Title>
          {actions}
        </Group>
        {children}
      </Stack>
    </Container>
  );
}
