import { Button, Text } from "@mantine/core";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { Page } from "./ui/Page.js";

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <Text>There is no page at this address. It may have moved, or the link may be mistyped.</Text>
      <Button component={Link} to="/" w="fit-content">
        Go to the home page
      </Button>
    </Page>
  );
}

/** Shown when a page fails to render, instead of a blank screen. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return (
    <Page title="Something went wrong" size="sm">
      <Text>
        This page ran into a problem. Reloading usually helps; if it does not, tell the product team.
      </Text>
      <Text c="dimmed" size="sm">
        {error instanceof Error ? error.message : String(error)}
      </Text>
      <Button onClick={() => window.location.reload()} w="fit-content">
        Reload
      </Button>
    </Page>
  );
}
