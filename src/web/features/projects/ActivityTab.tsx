import { Anchor, Badge, Button, Group, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type ActivityItem, useActivity } from "./projects-api.js";

/** The tab of a project an item lives on, so a timeline entry can lead to it. */
const tabOfItem: Record<string, string> = {
  post: "board",
  comment: "board",
  document: "documents",
  folder: "files",
  file: "files",
  round: "feedback",
  response: "feedback",
};

function ActivityRow({ item, showProject }: { item: ActivityItem; showProject: boolean }) {
  const tab = tabOfItem[item.itemType];
  return (
    <Stack gap={2} component="li" data-testid="activity-item">
      <Group gap="xs" wrap="nowrap" align="baseline">
        {/* The server writes the whole sentence, actor's name included. */}
        <Text size="sm">{item.summary}</Text>
        {item.visibility === "staff" && (
          <Badge size="xs" color="yellow" variant="light">
            Product team only
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {formatDateTime(item.at)}
        {showProject && (
          <>
            {" · "}
            <Anchor component={Link} to={`/projects/${item.projectId}${tab ? `/${tab}` : ""}`} size="xs">
              {item.projectName}
            </Anchor>
          </>
        )}
      </Text>
    </Stack>
  );
}

/**
 * The timeline, newest first: one project's (`projectId`) or every project one takes part in
 * (`projectId` null, which names the project on each entry). Older entries load on request.
 */
export function ActivityTab({ projectId }: { projectId: string | null }) {
  const activity = useActivity(projectId);
  if (activity.isPending) return <PageLoader />;
  if (activity.isError) return <ErrorAlert error={activity.error} />;
  const items = activity.data.pages.flatMap((page) => page.activity);
  if (items.length === 0) return <Text c="dimmed">Nothing has happened here yet.</Text>;
  return (
    <Stack gap="sm">
      <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
        {items.map((item) => (
          <ActivityRow key={item.id} item={item} showProject={projectId === null} />
        ))}
      </Stack>
      {activity.hasNextPage && (
        <Group>
          <Button
            variant="default"
            size="xs"
            loading={activity.isFetchingNextPage}
            onClick={() => activity.fetchNextPage()}
          >
            Show older activity
          </Button>
        </Group>
      )}
    </Stack>
  );
}
