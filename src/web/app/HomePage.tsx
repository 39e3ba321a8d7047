import { Anchor, Button, Container, Group, Stack, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { Link } from "react-router";
import { lazyPage } from "./lazy-page.js";
import { useMe } from "./session.js";
import { ErrorAlert } from "./ui/ErrorAlert.js";
import { PageLoader } from "./ui/PageLoader.js";

function Landing() {
  useDocumentTitle("Convene");
  return (
    <Container size="sm" py="xl">
      <Stack gap="lg" align="flex-start">
        <Title order={1}>Where customers and the product team meet</Title>
        <Text size="lg">
          Convene is the community of our eSource customers and development partners: release news, feedback
          on features in development, and the service desk, in one place.
        </Text>
        <Text c="dimmed">
          Membership is by invitation. If a colleague is already a member, ask them to invite you; otherwise,
          request access and the product team will get back to you.
        </Text>
        <Group>
          <Button component={Link} to="/sign-in" size="md">
            Sign in
          </Button>
          <Button component={Link} to="/request-access" size="md" variant="default">
            Request access
          </Button>
        </Group>
        <Text size="sm">
          Anyone can read the{" "}
          <Anchor component={Link} to="/releases">
            release notes
          </Anchor>{" "}
          (also as an <Anchor href="/releases.atom">Atom feed</Anchor>).
        </Text>
      </Stack>
    </Container>
  );
}

// A member's home is their inbox, in its own chunk: a visitor's landing page stays light.
const ForYouPage = lazyPage("notifications/ForYouPage", "ForYouPage");

/** `/`: a landing page for visitors, what happened for them (For you) for members. */
export function HomePage() {
  const me = useMe();
  if (me.isPending) return <PageLoader />;
  if (me.isError) return <ErrorAlert error={me.error} />;
  return me.data ? <ForYouPage /> : <Landing />;
}
