import { Anchor, Badge, Button, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type Release, useAdminReleases } from "./api.js";
import { formatReleaseDate } from "./ReleaseArticle.js";

function ReleaseTable({ releases }: { releases: Release[] }) {
  if (releases.length === 0) return <Text c="dimmed">No releases yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" data-testid="releases-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th>Release date</Table.Th>
            <Table.Th>Features</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {releases.map((release) => (
            <Table.Tr key={release.id}>
              <Table.Td fw={600}>
                <Anchor component={Link} to={`/admin/releases/${release.id}`}>
                  {release.version}
                </Anchor>
              </Table.Td>
              <Table.Td>{release.title}</Table.Td>
              <Table.Td>{formatReleaseDate(release.releaseDate)}</Table.Td>
              <Table.Td>
                {release.features.filter((f) => f.availability === "ga").length} GA,{" "}
                {release.features.filter((f) => f.availability === "preview").length} preview
              </Table.Td>
              <Table.Td>
                {release.status === "draft" ? (
                  <Badge color="gray" variant="light">
                    Draft
                  </Badge>
                ) : (
                  <Badge color="green" variant="light" title={formatDateTime(release.publishedAt)}>
                    Published
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** `/admin/releases`: every release, drafts included, newest first. */
export function AdminReleasesPage() {
  const releases = useAdminReleases();
  return (
    <Page
      title="Release editor"
      actions={
        <Button component={Link} to="/admin/releases/new">
          New release
        </Button>
      }
    >
      <Text c="dimmed" size="sm">
        Write a release as a draft, preview what it sends, then publish it once: to #announcements, by e-mail,
        to the public release notes and feed, and to the{" "}
        <Anchor component={Link} to="/admin/webhooks" inherit>
          webhooks
        </Anchor>
        .
      </Text>
      {releases.isPending ? (
        <PageLoader />
      ) : releases.isError ? (
        <ErrorAlert error={releases.error} />
      ) : (
        <ReleaseTable releases={releases.data} />
      )}
    </Page>
  );
}
