import { Badge, Group, Paper, Select, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import { formatDate, formatNumber } from "../../app/format.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { type Product, useAccountability } from "./api.js";
import { PharmacyError } from "./PharmacyError.js";

type Balance = { received: number; dispensed: number; onHand: number };

const balances = ({ received, dispensed, onHand }: Balance) => received === dispensed + onHand;

/** The check a monitor makes: everything received is either dispensed or still on hand. */
function BalanceBadge({ balance }: { balance: Balance }) {
  return balances(balance) ? (
    <Badge color="green" variant="light" data-testid="balance-check">
      Balances
    </Badge>
  ) : (
    <Badge color="red" variant="filled" data-testid="balance-check">
      Does not balance
    </Badge>
  );
}

function Figure({
  label,
  value,
  units,
  testId,
}: {
  label: string;
  value: number;
  units: string;
  testId: string;
}) {
  return (
    <Paper withBorder p="md">
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {formatNumber(value)}
      </Text>
      <Text size="xs" c="dimmed">
        {units}
      </Text>
    </Paper>
  );
}

function ProductAccountability({ product }: { product: Product }) {
  const report = useAccountability(product.id);
  if (report.isPending) return <PageLoader />;
  if (report.isError) return <PharmacyError error={report.error} />;
  const { lots, ...total } = report.data;
  return (
    <Stack data-testid="accountability">
      <Group gap="sm">
        <Text size="sm">
          Received = dispensed + on hand: {total.received} = {total.dispensed} + {total.onHand}
        </Text>
        <BalanceBadge balance={total} />
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Figure label="Received" value={total.received} units={product.units} testId="received-total" />
        <Figure label="Dispensed" value={total.dispensed} units={product.units} testId="dispensed-total" />
        <Figure label="On hand" value={total.onHand} units={product.units} testId="on-hand-total" />
      </SimpleGrid>
      {lots.length === 0 ? (
        <Text c="dimmed">No lot of this product has been received yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" data-testid="lot-accountability">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Lot</Table.Th>
                <Table.Th>Expiry</Table.Th>
                <Table.Th>Received</Table.Th>
                <Table.Th>Dispensed</Table.Th>
                <Table.Th>On hand</Table.Th>
                <Table.Th>Check</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lots.map((lot) => (
                <Table.Tr key={lot.lotId} data-testid={`lot-${lot.lotNumber}`}>
                  <Table.Td fw={600}>{lot.lotNumber}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      {formatDate(lot.expiry)}
                      {lot.expired && (
                        <Badge color="red" variant="light">
                          Expired
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{lot.received}</Table.Td>
                  <Table.Td>{lot.dispensed}</Table.Td>
                  <Table.Td>{lot.onHand}</Table.Td>
                  <Table.Td>
                    <BalanceBadge balance={lot} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** Per product: units received, dispensed and on hand, overall and per lot (by expiry). */
export function AccountabilityTab({ products }: { products: Product[] }) {
  const [productId, setProductId] = useState(products[0]?.id ?? "");
  const product = products.find((candidate) => candidate.id === productId);
  if (products.length === 0) return <Text c="dimmed">There are no products yet.</Text>;
  return (
    <Section
      title="Accountability"
      description="Received is the lots' units, on hand what the containers hold."
    >
      <Select
        label="Product"
        data={products.map((option) => ({ value: option.id, label: option.name }))}
        value={productId}
        allowDeselect={false}
        onChange={(value) => setProductId(value ?? "")}
        maw={420}
      />
      {product && <ProductAccountability key={product.id} product={product} />}
    </Section>
  );
}
