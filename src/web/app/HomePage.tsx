import { Anchor, Button, Card, Container, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { Link } from "react-router";
import { areasFor } from "./navigation.js";
import { type Me, useMe } from "./session.js";
import { ErrorAlert } from "./ui/ErrorAlert.js";
import { Page } from "./ui/Page.js";
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

function Home({ me }: { me: Me }) {
  return (
    <Page title={`Welcome, ${me.name}`}>
      <Text c="dimmed">
        {me.organisation.name}
        {me.isOrgAdmin && " · organisation admin"}
      </Text>
      {areasFor(me).map((section) => (
        <Stack key={section.title ?? "main"} gap="sm">
          {section.title && (
            <Title order={2} size="h4">
              {section.title}
            </Title>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {section.areas.map((area) => (
              <Card key={area.to} withBorder padding="lg">
                <Stack gap="xs" h="100%" justify="space-between" align="flex-start">
                  <div>
                    <Title order={3} size="h5">
                      {area.label}
                    </Title>
                    <Text size="sm" c="dimmed">
                      {area.description}
                    </Text>
                  </div>
                  <Button component={Link} to={area.to} variant="light" size="xs">
                    {area.action}
                  </Button>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        </Stack>
      ))}
    </Page>
  );
}

/** `/`: a landing page for visitors, the way into each area for members. */
export function HomePage() {
  const me = useMe();
  if (me.isPending) return <PageLoader />;
  if (me.isError) return <ErrorAlert error={me.error} />;
  return me.data ? <Home me={me.data} /> : <Landing />;
}
