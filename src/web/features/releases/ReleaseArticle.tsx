import { Anchor, Badge, Group, List, Paper, Stack, Text, Title } from "@mantine/core";
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
      </Stack>
    </Paper>
  );
}
