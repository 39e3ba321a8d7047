import { Badge } from "@mantine/core";
import { useConnectionState } from "../realtime.js";

/** Says so while the live connection is down; the client keeps retrying on its own. */
export function ConnectionStatus() {
  const state = useConnectionState();
  if (state !== "reconnecting") return null;
  return (
    <Badge color="orange" variant="light" role="status">
      Reconnecting…
    </Badge>
  );
}
