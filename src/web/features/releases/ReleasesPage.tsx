import { Anchor, Group, Stack, Text } from "@mantine/core";
import { useEffect } from "react";
import { Link, useParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { usePublishedReleases, useReleaseByVersion } from "./api.js";
import { ReleaseArticle } from "./ReleaseArticle.js";

const FEED = "/releases.atom";

/** Lets feed readers and browsers discover the Atom feed while a release page is open. */
function useFeedLink() {
  useEffect(() => {
    const link = document.createElement("link");
    link.rel = "alternate";
    link.type = "application/atom+xml";
    link.title = "Convene release notes";
    link.href = FEED;
    document.head.append(link);
    return () => link.remove();
  }, []);
}

function FeedLink() {
  return (
    <Anchor href={FEED} size="sm">
      Atom feed
    </Anchor>
  );
}

/** `/releases`: every published release, newest first; public. */
export function ReleasesPage() {
  useFeedLink();
  const releases = usePublishedReleases();
  return (
    <Page title="Release notes" size="md" actions={<FeedLink />}>
      <Text c="dimmed">
        What changed in each version of Convene. Features marked Preview are available to customers in the
        preview programme.
      </Text>
      {releases.isPending ? (
        <PageLoader />
      ) : releases.isError ? (
        <ErrorAlert error={releases.error} />
      ) : releases.data.length === 0 ? (
        <Text c="dimmed">No releases are published yet.</Text>
      ) : (
        <Stack gap="lg">
          {releases.data.map((release) => (
            <ReleaseArticle key={release.id} release={release} heading="link" />
          ))}
        </Stack>
      )}
    </Page>
  );
}

/** `/releases/:version`: one release; public once published. */
export function ReleasePage() {
  useFeedLink();
  const { version = "" } = useParams();
  const release = useReleaseByVersion(version);
  const back = (
    <Group gap="md">
      <Anchor component={Link} to="/releases" size="sm">
        All releases
      </Anchor>
      <FeedLink />
    </Group>
  );
  if (release.isPending) return <PageLoader />;
  if (release.isError) {
    const missing = isApiError(release.error) && release.error.status === 404;
    return (
      <Page title="Release not found" size="md" actions={back}>
        <ErrorAlert error={missing ? `There is no published release ${version}.` : release.error} />
      </Page>
    );
  }
  return (
    <Page title={`Convene ${release.data.version}`} size="md" actions={back}>
      <ReleaseArticle release={release.data} heading="none" />
    </Page>
  );
}
