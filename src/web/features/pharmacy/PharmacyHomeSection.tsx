import { Anchor, Group } from "@mantine/core";
import { Link } from "react-router";
import { Section } from "../../app/ui/Section.js";
import { useFlags } from "../sandbox/operations-api.js";
import { PreviewMarker } from "../sandbox/PreviewMarker.js";
import { PHARMACY_FLAG } from "./api.js";

/**
 * The pharmacy's place on the sandbox home, for sandbox users: hidden while the `pharmacy` flag is off
 * (or not defined, which the server treats as off), marked while it is in preview.
 */
export function PharmacyHomeSection() {
  const flags = useFlags();
  const state = flags.data?.find((flag) => flag.key === PHARMACY_FLAG)?.state ?? "off";
  if (state === "off") return null;
  return (
    <Section
      title="Pharmacy"
      description="Investigational products, lot receipts, labelled containers, dispensing and accountability."
      actions={state === "preview" && <PreviewMarker />}
    >
      <Group gap="lg">
        <Anchor component={Link} to="/sandbox/pharmacy" data-testid="pharmacy-link">
          Open the pharmacy
        </Anchor>
        <Anchor component={Link} to="/sandbox/pharmacy/accountability">
          Accountability
        </Anchor>
      </Group>
    </Section>
  );
}
