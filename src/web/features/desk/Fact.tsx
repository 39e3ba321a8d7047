import { Text } from "@mantine/core";
import type { ReactNode } from "react";

/** A small labelled value, as in the side panel of a ticket. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ whiteSpace: "pre-wrap" }}>
        {children}
      </Text>
    </div>
  );
}
