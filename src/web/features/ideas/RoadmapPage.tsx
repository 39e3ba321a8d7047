import { Button, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { ideaStatusLabels, roadmapStatuses } from "../../../server/modules/ideas/contracts/ideas.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type IdeaStatus, type IdeaSummary, useIdeaEvents, useIdeas } from "./api.js";
import { IdeaCard } from "./IdeaBits.js";

const columnHints: Record<(typeof roadmapStatuses)[number], string> = {
  under_review: "The product team is looking at these.",
  planned: "Decided, and on the way.",
  in_preview: "Try them in the development environment and tell us what you think.",
  released: "Shipped in a release.",
};

/** The roadmap: ideas by status, one column each, most voted first; declined ideas are not on it. */
export function RoadmapPage() {
  useIdeaEvents();
  const ideas = useIdeas({});
  const byStatus = (status: IdeaStatus): IdeaSummary[] =>
    (ideas.data ?? []).filter((idea) => idea.status === status);

  return (
    <Page
      title="Roadmap"
      size="xl"
      actions={
        <Button component={Link} to="/ideas" variant="default">
          All ideas
        </Button>
      }
    >
      {ideas.isPending ? (
        <PageLoader />
      ) : ideas.isError ? (
        <ErrorAlert error={ideas.error} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="lg">
          {roadmapStatuses.map((status) => {
            const column = byStatus(status);
            const headingId = `roadmap-${status}`;
            return (
              <Stack key={status} gap="sm" component="section" aria-labelledby={headingId}>
                <div>
                  <Title order={2} size="h4" id={headingId}>
                    {ideaStatusLabels[status]} ({column.length})
                  </Title>
                  <Text size="sm" c="dimmed">
                    {columnHints[status]}
                  </Text>
                </div>
                {column.length === 0 ? (
                  <Text size="sm">Nothing here yet.</Text>
                ) : (
                  <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
                    {column.map((idea) => (
                      <IdeaCard key={idea.id} idea={idea} showStatus={false} />
                    ))}
                  </Stack>
                )}
              </Stack>
            );
          })}
        </SimpleGrid>
      )}
    </Page>
  );
}
