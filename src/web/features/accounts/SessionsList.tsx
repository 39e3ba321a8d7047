import { Badge, Button, Table, Text, VisuallyHidden } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "../../app/format.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import { accountKeys, accountsApi, type Session, useSessions } from "./api.js";

const browsers: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const systems: [RegExp, string][] = [
  [/Windows/, "Windows"],
  [/iPhone|iPad/, "iOS"],
  [/Mac OS X/, "macOS"],
  [/Android/, "Android"],
  [/Linux/, "Linux"],
];

/** "Firefox on Windows" instead of a user-agent string nobody can read. */
function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (!browser && !system) return userAgent;
  return [browser ?? "A browser", system].filter(Boolean).join(" on ");
}

function EndSessionButton({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const end = useMutation({
    mutationFn: () => accountsApi.endSession(session.id),
    onSuccess: () => {
      notifySuccess("The session has ended.");
      return queryClient.invalidateQueries({ queryKey: accountKeys.sessions });
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Button size="xs" variant="light" color="red" onClick={() => end.mutate()} loading={end.isPending}>
      End session
    </Button>
  );
}

export function SessionsList() {
  const sessions = useSessions();
  return (
    <Section title="Sessions" description="Browsers signed in to your account. End any you do not recognise.">
      {sessions.isPending ? (
        <PageLoader />
      ) : sessions.isError ? (
        <ErrorAlert error={sessions.error} />
      ) : (
        <ResponsiveTable minWidth={560}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th visibleFrom="sm">IP address</Table.Th>
                <Table.Th visibleFrom="sm">Signed in</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.map((session) => (
                <Table.Tr key={session.id}>
                  <Table.Td>
                    <Text size="sm" title={session.userAgent ?? undefined}>
                      {describeDevice(session.userAgent)}
                    </Text>
                  </Table.Td>
                  <Table.Td visibleFrom="sm">{session.ip ?? "—"}</Table.Td>
                  <Table.Td visibleFrom="sm">{formatDateTime(session.createdAt)}</Table.Td>
                  <Table.Td>{formatDateTime(session.lastSeenAt)}</Table.Td>
                  <Table.Td>
                    {session.current ? (
                      <Badge variant="light" color="green">
                        This browser
                      </Badge>
                    ) : (
                      <EndSessionButton session={session} />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ResponsiveTable>
      )}
    </Section>
  );
}
