import {
  Anchor,
  Badge,
  Button,
  Group,
  Image,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useFiltersInAddress } from "../../app/filters-in-address.js";
import { formatDate } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import type { SandboxRole } from "../sandbox/api.js";
import {
  type Container,
  type ContainerFilters,
  containerStatusColors,
  containerStatusLabels,
  containerStatusOptions,
  labelUrl,
  mayChangePharmacy,
  nextMove,
  type Product,
  pharmacyApi,
  useContainers,
  useLots,
  usePharmacyChanged,
} from "./api.js";
import { PharmacyError } from "./PharmacyError.js";

const filterNames: (keyof ContainerFilters)[] = ["productId", "status", "lotId"];

function Filters({
  products,
  filters,
  onChange,
}: {
  products: Product[];
  filters: ContainerFilters;
  onChange: (change: Partial<ContainerFilters>) => void;
}) {
  const lots = useLots(filters.productId);
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" data-testid="container-filters">
      <Select
        label="Product"
        data={products.map((product) => ({ value: product.id, label: product.name }))}
        value={filters.productId || null}
        placeholder="Any"
        clearable
        // A lot belongs to one product: choosing another product drops the lot filter.
        onChange={(value) => onChange({ productId: value ?? "", lotId: "" })}
      />
      <Select
        label="Status"
        data={containerStatusOptions}
        value={filters.status || null}
        placeholder="Any"
        clearable
        onChange={(value) => onChange({ status: value ?? "" })}
      />
      <Select
        label="Lot"
        data={(lots.data ?? []).map((lot) => ({ value: lot.id, label: lot.lotNumber }))}
        value={filters.lotId || null}
        placeholder={filters.productId ? "Any" : "Choose a product first"}
        disabled={!filters.productId}
        clearable
        onChange={(value) => onChange({ lotId: value ?? "" })}
      />
    </SimpleGrid>
  );
}

/** Opens the label in a tab of its own and prints it there, at the size the SVG declares. */
function printLabel(containerId: string) {
  const labelWindow = window.open(labelUrl(containerId), "_blank");
  labelWindow?.addEventListener("load", () => labelWindow.print());
}

function LabelDialog({ container, onClose }: { container: Container | null; onClose: () => void }) {
  return (
    <Modal
      opened={container !== null}
      onClose={onClose}
      title={container ? `Label of ${container.barcode}` : "Label"}
      size="lg"
    >
      {container && (
        <Stack>
          <Image
            src={labelUrl(container.id)}
            alt={`Label of ${container.barcode}`}
            data-testid="container-label"
            fit="contain"
          />
          <Group justify="flex-end">
            <Anchor href={labelUrl(container.id)} target="_blank" rel="noopener">
              Open the label in a new tab
            </Anchor>
            <Button onClick={() => printLabel(container.id)}>Print label</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

export function ContainerStatusBadge({ status }: { status: Container["status"] }) {
  return (
    <Badge variant="light" color={containerStatusColors[status]} data-testid="container-status">
      {containerStatusLabels[status]}
    </Badge>
  );
}

function ContainerTable({ containers, mayMove }: { containers: Container[]; mayMove: boolean }) {
  const changed = usePharmacyChanged();
  const [labelOf, setLabelOf] = useState<Container | null>(null);
  const move = useMutation({
    mutationFn: ({ container, to }: { container: Container; to: "storage" | "dispense" }) =>
      pharmacyApi.move(container.id, to),
    onSuccess: (moved) => {
      notifySuccess(`${moved.barcode} moved to ${containerStatusLabels[moved.status].toLowerCase()}.`);
      changed();
    },
  });
  return (
    <Stack>
      <ErrorAlert error={move.error} title="Not moved" />
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" data-testid="container-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Barcode</Table.Th>
              <Table.Th>Product</Table.Th>
              <Table.Th>Lot</Table.Th>
              <Table.Th>Expiry</Table.Th>
              <Table.Th>Left</Table.Th>
              <Table.Th>Status</Table.Th>
              <ActionsHeader />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {containers.map((container) => {
              const to = nextMove[container.status];
              return (
                <Table.Tr key={container.id} data-testid={`container-${container.barcode}`}>
                  <Table.Td ff="monospace" fw={600}>
                    {container.barcode}
                  </Table.Td>
                  <Table.Td>{container.productName}</Table.Td>
                  <Table.Td>{container.lotNumber}</Table.Td>
                  <Table.Td>{formatDate(container.expiry)}</Table.Td>
                  <Table.Td>
                    {container.remaining} of {container.quantity} {container.units}
                  </Table.Td>
                  <Table.Td>
                    <ContainerStatusBadge status={container.status} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {mayMove && to && (
                        <Button
                          size="xs"
                          variant="light"
                          loading={move.isPending && move.variables?.container.id === container.id}
                          onClick={() => move.mutate({ container, to })}
                        >
                          Move to {to}
                        </Button>
                      )}
                      <Button size="xs" variant="default" onClick={() => setLabelOf(container)}>
                        Label
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LabelDialog container={labelOf} onClose={() => setLabelOf(null)} />
    </Stack>
  );
}

/** Every container, filtered; pharmacists move them receipt -> storage -> dispense; labels for all. */
export function ContainersTab({
  products,
  role,
}: {
  products: Product[];
  role: SandboxRole | "staff" | null;
}) {
  const [filters, setFilters] = useFiltersInAddress<ContainerFilters>(filterNames);
  const containers = useContainers(filters);
  const filtered = filterNames.some((name) => filters[name] !== "");
  return (
    <Stack>
      <Filters products={products} filters={filters} onChange={setFilters} />
      {containers.isPending ? (
        <PageLoader />
      ) : containers.isError ? (
        <PharmacyError error={containers.error} />
      ) : containers.data.length === 0 ? (
        <Text c="dimmed">
          {filtered ? "No container matches these filters." : "No lot has been received yet."}
        </Text>
      ) : (
        <ContainerTable containers={containers.data} mayMove={mayChangePharmacy(role)} />
      )}
    </Stack>
  );
}
