import { Anchor, Badge, Group, List, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import type { Ticket } from "./api.js";
import { Fact } from "./Fact.js";

type Environment = NonNullable<Ticket["environment"]>;
type FlagState = Environment["flags"][number]["state"];

const flagStates: Record<FlagState, { label: string; color: string }> = {
  off: { label: "Off", color: "gray" },
  preview: { label: "Preview", color: "grape" },
  on: { label: "On", color: "green" },
};

const recordKinds: Record<NonNullable<Environment["record"]>["type"], { label: string; path: string }> = {
  study: { label: "Study", path: "/sandbox/studies" },
  volunteer: { label: "Volunteer", path: "/sandbox/volunteers" },
};

/**
 * The development environment as the server recorded it when the ticket was opened, so whoever works
 * the ticket sees the build, flags and page the person saw without asking.
 */
export function EnvironmentContext({ environment }: { environment: Environment }) {
  const record = environment.record;
  return (
    <Stack gap="sm" data-testid="ticket-environment">
      <Fact label="Build">{environment.buildId ?? "None deployed"}</Fact>
      <Fact label="Version">{environment.version ?? "None deployed"}</Fact>
      <Fact label="Feature flags">
        {environment.flags.length === 0 ? (
          "None"
        ) : (
          <List listStyleType="none" spacing={4} data-testid="ticket-environment-flags">
            {environment.flags.map((flag) => (
              <List.Item key={flag.key}>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm">{flag.name}</Text>
                  <Badge variant="light" size="sm" color={flagStates[flag.state].color}>
                    {flagStates[flag.state].label}
                  </Badge>
                </Group>
              </List.Item>
            ))}
          </List>
        )}
      </Fact>
      {environment.page && (
        <Fact label="Page">
          <Anchor component={Link} to={environment.page} size="sm" style={{ overflowWrap: "anywhere" }}>
            {environment.page}
          </Anchor>
        </Fact>
      )}
      {record && (
        <Fact label={recordKinds[record.type].label}>
          <Anchor component={Link} to={`${recordKinds[record.type].path}/${record.id}`} size="sm">
            {record.label}
          </Anchor>
        </Fact>
      )}
    </Stack>
  );
}
