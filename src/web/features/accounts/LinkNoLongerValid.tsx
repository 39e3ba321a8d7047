import { Alert, Button } from "@mantine/core";
import { Link } from "react-router";
import { isApiError } from "../../app/api.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { AccountCard } from "./AccountCard.js";

type Props = { error: unknown; message: string; action: { to: string; label: string } };

/** What a one-time link shows once it is unknown, expired, used or revoked: no form, a way on. */
export function LinkNoLongerValid({ error, message, action }: Props) {
  // A malformed token fails validation (400); to the visitor that is the same dead link.
  const isDeadLink = isApiError(error) && [400, 404, 410].includes(error.status);
  return (
    <AccountCard title="Link no longer valid">
      {isDeadLink ? (
        <Alert color="orange" variant="light" mb="md">
          {message}
        </Alert>
      ) : (
        <ErrorAlert error={error} />
      )}
      <Button component={Link} to={action.to} variant="default">
        {action.label}
      </Button>
    </AccountCard>
  );
}
