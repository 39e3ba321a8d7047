import { rem, Table, type TableScrollContainerProps } from "@mantine/core";
import classes from "./ResponsiveTable.module.css";

type ResponsiveTableProps = Pick<TableScrollContainerProps, "minWidth" | "children">;

/**
 * A table that keeps its important columns on a phone. From the `sm` breakpoint up it scrolls sideways
 * below `minWidth`, like any wide table; on a phone it takes the screen's width, and the columns that
 * matter less (their `Table.Th` and `Table.Td` marked `visibleFrom="sm"`) are left out, so what
 * someone came for (a status, an action button) is on screen without scrolling sideways.
 */
export function ResponsiveTable({ minWidth, children }: ResponsiveTableProps) {
  return (
    <Table.ScrollContainer
      className={classes.container}
      style={{ "--responsive-table-min-width": rem(minWidth) }}
      // The minimum is the stylesheet's, which knows the screen's width.
      minWidth={undefined}
    >
      {children}
    </Table.ScrollContainer>
  );
}
