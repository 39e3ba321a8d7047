import { Alert, Anchor, Stack } from "@mantine/core";
import { Link, useLocation } from "react-router";
import { isApiError } from "../api.js";

function messageOf(error: unknown): string | null {
  if (!error) return null;
  if (typeof error === "string") return error;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/**
 * A refusal for want of the sandbox agreement leads to it, and the agreement page brings the person
 * back here once accepted: the refusal alone would be a dead end.
 */
function AgreementLink() {
  const location = useLocation();
  const back = encodeURIComponent(location.pathname + location.search);
  return (
    <Anchor component={Link} to={`/sandbox/agreement?next=${back}`} inherit fw={600}>
      Read and accept the agreement
    </Anchor>
  );
}

/** Shows the server's message for a failed request or form; renders nothing without an error. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const message = messageOf(error);
  if (!message) return null;
  return (
    <Alert color="red" title={title} variant="light">
      {isApiError(error, "agreement_required") ? (
        <Stack gap={4} align="flex-start">
          {message}
          <AgreementLink />
        </Stack>
      ) : (
        message
      )}
    </Alert>
  );
}
