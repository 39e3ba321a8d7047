import { Alert } from "@mantine/core";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { isSwitchedOff, SWITCHED_OFF_MESSAGE } from "./api.js";

/**
 * A failed pharmacy request: while the `pharmacy` flag is off the API answers 404 `feature_disabled`,
 * which is not an error to the person but the environment's setting, and is said so.
 */
export function PharmacyError({ error }: { error: unknown }) {
  if (isSwitchedOff(error))
    return (
      <Alert color="gray" data-testid="pharmacy-off">
        {SWITCHED_OFF_MESSAGE}
      </Alert>
    );
  return <ErrorAlert error={error} />;
}
