import { Alert } from "@mantine/core";

function messageOf(error: unknown): string | null {
  if (!error) return null;
  if (typeof error === "string") return error;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** Shows the server's message for a failed request or form; renders nothing without an error. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const message = messageOf(error);
  if (!message) return null;
  return (
    <Alert color="red" title={title} variant="light">
      {message}
    </Alert>
  );
}
