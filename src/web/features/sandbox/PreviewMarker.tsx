import { Badge, Tooltip } from "@mantine/core";
import { useEnvironment } from "./operations-api.js";

type PreviewMarkerProps = {
  /**
   * The feature flag behind what is marked. Given, the marker shows only while that flag is in
   * preview (read from the environment status every sandbox page already loads); left out, it always
   * shows, for a page whose own answer already said `preview: true`.
   */
  flagKey?: string;
};

/** The "preview — not validated" marker every preview feature carries wherever it appears. */
export function PreviewMarker({ flagKey }: PreviewMarkerProps) {
  const environment = useEnvironment();
  if (flagKey !== undefined) {
    const inPreview = environment.data?.flagsInPreview.some((flag) => flag.key === flagKey) ?? false;
    if (!inPreview) return null;
  }
  return (
    <Tooltip
      multiline
      w={280}
      label="A preview feature: it may change or go away, and it is not validated for use in a real study."
    >
      <Badge color="grape" variant="light" data-testid="preview-marker">
        preview — not validated
      </Badge>
    </Tooltip>
  );
}
