import { Group, Tabs, Text } from "@mantine/core";
import { useNavigate, useParams } from "react-router";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import type { SandboxStatus } from "../sandbox/api.js";
import { PreviewMarker } from "../sandbox/PreviewMarker.js";
import { SandboxGate } from "../sandbox/SandboxPage.js";
import { AccountabilityTab } from "./AccountabilityTab.js";
import { useProducts } from "./api.js";
import { ContainersTab } from "./ContainersTab.js";
import { DispensingTab } from "./DispensingTab.js";
import { PharmacyError } from "./PharmacyError.js";
import { ProductsTab } from "./ProductsTab.js";
import { ReceiptsTab } from "./ReceiptsTab.js";

const tabs = [
  { value: "products", label: "Products" },
  { value: "receipts", label: "Receipts" },
  { value: "containers", label: "Containers" },
  { value: "dispensing", label: "Dispensing" },
  { value: "accountability", label: "Accountability" },
] as const;
type Tab = (typeof tabs)[number]["value"];

function Pharmacy({ status }: { status: SandboxStatus }) {
  const { tab: requested } = useParams();
  const navigate = useNavigate();
  // Every tab starts from the products, so their answer also says whether to show the marker.
  const products = useProducts();
  const tab: Tab = tabs.find(({ value }) => value === requested)?.value ?? "products";
  if (products.isPending) return <PageLoader />;
  if (products.isError) return <PharmacyError error={products.error} />;
  const { products: list, preview } = products.data;
  return (
    <>
      <Group gap="sm" data-testid="pharmacy">
        {preview && <PreviewMarker />}
        <Text size="sm" c="dimmed">
          Investigational products, their receipts and labelled containers, dispensing to enrolled subjects
          and the accountability that always balances. Shared by every organisation of the environment.
        </Text>
      </Group>
      <Tabs
        value={tab}
        onChange={(value) =>
          navigate(value === "products" ? "/sandbox/pharmacy" : `/sandbox/pharmacy/${value}`)
        }
        keepMounted={false}
      >
        <Tabs.List>
          {tabs.map(({ value, label }) => (
            <Tabs.Tab key={value} value={value}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="products" pt="md">
          <ProductsTab products={list} role={status.role} />
        </Tabs.Panel>
        <Tabs.Panel value="receipts" pt="md">
          <ReceiptsTab products={list} role={status.role} />
        </Tabs.Panel>
        <Tabs.Panel value="containers" pt="md">
          <ContainersTab products={list} role={status.role} />
        </Tabs.Panel>
        <Tabs.Panel value="dispensing" pt="md">
          <DispensingTab role={status.role} />
        </Tabs.Panel>
        <Tabs.Panel value="accountability" pt="md">
          <AccountabilityTab products={list} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

/** `/sandbox/pharmacy/:tab?`: the pharmacy preview, behind the agreement gate and the `pharmacy` flag. */
export function PharmacyPage() {
  return (
    <Page title="Pharmacy" size="xl">
      <SandboxGate>{(status) => <Pharmacy status={status} />}</SandboxGate>
    </Page>
  );
}
