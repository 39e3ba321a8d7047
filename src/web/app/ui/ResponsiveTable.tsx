import { Table, type TableScrollContainerProps, useMantineTheme } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";

type ResponsiveTableProps = Pick<TableScrollContainerProps, "minWidth" | "children">;

/**
 * A table that keeps its important columns on a phone. From the `sm` breakpoint up it scrolls sideways
 * below `minWidth`, like any wide table; on a phone it takes the screen's width, and the columns that
 * matter less (their `Table.Th` and `Table.Td` marked `visibleFrom="sm"`) are left out, so what
 * someone came for (a status, an action button) is on screen without scrolling sideways.
 */
export function ResponsiveTable({ minWidth, children }: ResponsiveTableProps) {
  const theme = useMantineTheme();
  const phone = useMediaQuery(`(max-width: ${theme.breakpoints.sm})`, false, {
    getInitialValueInEffect: false,
  });
  return <Table.ScrollContainer minWidth={phone ? 0 : minWidth}>{children}</Table.ScrollContainer>;
}
