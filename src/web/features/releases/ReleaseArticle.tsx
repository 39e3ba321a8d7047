import { Anchor, Badge, Group, List, Paper, Stack, Text, Title } from "@mantine/core";
import { useId } from "react";
import { Link } from "react-router";
import { dateFormat } from "../../app/format.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { type Availability, availabilityLabels, type Feature, type Release } from "./api.js";

// A release date is a calendar day, not an instant: shown as written, whatever the reader's zone.
export const formatReleaseDate = (day: string) =>
  dateFormat({ dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

export function AvailabilityBadge({ availability }: { availability: Availability }) {
  return (
    <Badge color={availability === "ga" ? "green" : "orange"} variant="light" size="sm">
      {availabilityLabels[availability]}
    </Badge>
  );
}

export function FeatureList({ features }: { features: Feature[] }) {
  if (features.length === 0) return null;
  return (
    <List spacing="xs" listStyleType="none" aria-label="Features" ml={0} pl={0}>
      {features.map((feature, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a release's features keep their order.
        <List.Item key={index}>
          <Group gap="xs" wrap="wrap" align="center">
            <AvailabilityBadge availability={feature.availability} />
            <Text fw={600} size="sm">
              {feature.title}
            </Text>
            <Badge variant="outline" color="gray" size="sm" tt="none">
              {feature.module}
            </Badge>
          </Group>
          {feature.description && (
            <Text size="sm" c="dimmed" mt={2}>
              {feature.description}
            </Text>
          )}
        </List.Item>
      ))}
    </List>
  );
}

/** The ideas and tickets the release closes, as far as the reader may open them (the server decides). */
function Closes({ closes, level }: { closes: Release["closes"]; level: 2 | 3 }) {
  const headingId = useId();
  if (closes.ideas.length === 0 && closes.tickets.length === 0) return null;
  return (
    <section aria-labelledby={headingId}>
      <Title order={level} size="h5" id={headingId} mb="xs">
        Closes
      </Title>
      <List spacing={4} size="sm">
        {closes.ideas.map((idea) => (
          <List.Item key={idea.id}>
            Idea:{" "}
            <Anchor component={Link} to={idea.url}>
              {idea.title}
            </Anchor>
          </List.Item>
        ))}
        {closes.tickets.map((ticket) => (
          <List.Item key={ticket.id}>
            Ticket:{" "}
            <Anchor component={Link} to={ticket.url}>
              #{ticket.number} {ticket.subject}
            </Anchor>
          </List.Item>
        ))}
      </List>
    </section>
  );
}

type Props = {
  release: Release;
  /** `link`: the version heading links to the release's own page (lists); `none`: the page title names it. */
  heading?: "link" | "plain" | "none";
};

/** One release as the public reads it: version, date, title, features with GA/Preview, then the notes. */
export function ReleaseArticle({ release, heading = "plain" }: Props) {
  const name = `Convene ${release.version}`;
  return (
    <Paper withBorder p="lg" component="article" aria-label={name}>
      <Stack gap="md">
        <div>
          <Group gap="sm" align="baseline">
            {heading !== "none" && (
              <Title order={2} size="h3">
                {heading === "link" ? (
                  <Anchor component={Link} to={`/releases/${encodeURIComponent(release.version)}`} inherit>
                    {name}
                  </Anchor>
                ) : (
                  name
                )}
              </Title>
            )}
            {release.status === "draft" && (
              <Badge color="gray" variant="filled" size="sm">
                Draft
              </Badge>
            )}
          </Group>
          <Text fw={500}>{release.title}</Text>
          <Text size="sm" c="dimmed">
            Released <time dateTime={release.releaseDate}>{formatReleaseDate(release.releaseDate)}</time>
          </Text>
        </div>
        <FeatureList features={release.features} />
        <ServerHtml html={release.notesHtml} />
        {/* Under the version's heading, or under the page's own title when the article has none. */}
        <Closes closes={release.closes} level={heading === "none" ? 2 : 3} />
      </Stack>
    </Paper>
  );
}
