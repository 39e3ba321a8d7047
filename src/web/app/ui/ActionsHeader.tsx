import { Table, VisuallyHidden } from "@mantine/core";

/** The header of a table's column of buttons: unseen, but a screen reader names the column by it. */
export function ActionsHeader() {
  return (
    <Table.Th>
      <VisuallyHidden>Actions</VisuallyHidden>
    </Table.Th>
  );
}
