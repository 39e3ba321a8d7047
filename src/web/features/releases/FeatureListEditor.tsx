import {
  ActionIcon,
  Autocomplete,
  Button,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { IconX } from "@tabler/icons-react";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { type Availability, availabilityLabels, knownModules } from "./api.js";
import type { EditorValues } from "./editor-values.js";

const availabilityOptions = (Object.keys(availabilityLabels) as Availability[]).map((value) => ({
  value,
  label: availabilityLabels[value],
}));

/** The release's features, one row each: title, module, GA or preview, and an optional description. */
export function FeatureListEditor({ form }: { form: UseFormReturnType<EditorValues, unknown> }) {
  const features = form.getValues().features;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={500} size="sm">
          Features
        </Text>
        <Button variant="light" size="xs" onClick={() => form.insertListItem("features", newFeature())}>
          Add feature
        </Button>
      </Group>
      {features.length === 0 && (
        <Text size="sm" c="dimmed">
          No features yet. Add the ones this release brings, each marked GA or Preview.
        </Text>
      )}
      {features.map((feature, index) => (
        <Paper key={feature.key} withBorder p="sm" data-testid="feature-row">
          <Stack gap="xs">
            <Group align="flex-start" gap="xs" wrap="wrap">
              <TextInput
                label="Feature"
                placeholder="Dispensing log"
                style={{ flex: "2 1 200px" }}
                {...form.getInputProps(`features.${index}.title`)}
              />
              <Autocomplete
                label="Module"
                placeholder="Pharmacy"
                data={knownModules}
                style={{ flex: "1 1 140px" }}
                {...form.getInputProps(`features.${index}.module`)}
              />
              <NativeSelect
                label="Availability"
                data={availabilityOptions}
                style={{ flex: "0 0 120px" }}
                {...form.getInputProps(`features.${index}.availability`)}
              />
              <Tooltip label="Remove this row">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={26}
                  aria-label={`Remove row ${index + 1}`}
                  onClick={() => form.removeListItem("features", index)}
                >
                  <UiIcon icon={IconX} />
                </ActionIcon>
              </Tooltip>
            </Group>
            <TextInput
              label="Description"
              placeholder="Optional: one sentence on what it does"
              {...form.getInputProps(`features.${index}.description`)}
            />
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

export function newFeature() {
  return {
    key: crypto.randomUUID(),
    title: "",
    module: "",
    availability: "ga" as Availability,
    description: "",
  };
}
