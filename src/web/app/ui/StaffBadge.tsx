import { Badge, Group, Text } from "@mantine/core";

/** Marks people who work for the vendor, wherever a name is shown. */
export function StaffBadge() {
  return (
    <Badge color="grape" variant="light" size="sm">
      Product team
    </Badge>
  );
}

export function PersonName({ name, isStaff }: { name: string; isStaff: boolean }) {
  return (
    <Group gap={6} wrap="nowrap" component="span">
      <Text span fw={500} inherit>
        {name}
      </Text>
      {isStaff && <StaffBadge />}
    </Group>
  );
}
