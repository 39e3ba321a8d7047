import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { formatDate, formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import type { SandboxRole } from "../sandbox/api.js";
import {
  type Lot,
  labelUrl,
  mayChangePharmacy,
  type Product,
  pharmacyApi,
  useLots,
  usePharmacyChanged,
} from "./api.js";
import { PharmacyError } from "./PharmacyError.js";

/** Today in the person's own calendar (YYYY-MM-DD), the earliest expiry a receipt accepts. */
function today(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

type Values = {
  lotNumber: string;
  quantity: number | string;
  expiry: string;
  containers: number | string;
};

function ReceiveLot({ product, onReceived }: { product: Product; onReceived: (lot: Lot) => void }) {
  const changed = usePharmacyChanged();
  const form = useForm<Values>({
    initialValues: { lotNumber: "", quantity: "", expiry: "", containers: 1 },
    validate: {
      lotNumber: isNotEmpty("Enter the lot number."),
      quantity: isNotEmpty("Enter the units received."),
      expiry: isNotEmpty("Enter the expiry date."),
      containers: isNotEmpty("Enter how many containers the units come in."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: Values) =>
      pharmacyApi.receiveLot(product.id, {
        lotNumber: values.lotNumber,
        quantity: Number(values.quantity),
        expiry: values.expiry,
        containers: Number(values.containers),
      }),
    {
      onSuccess: (lot) => {
        notifySuccess(`Lot ${lot.lotNumber} received in ${lot.containers.length} containers.`);
        changed();
        onReceived(lot);
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate data-testid="receipt-form">
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="sm">
          <TextInput
            label="Lot number"
            placeholder="L2026-04A"
            required
            {...form.getInputProps("lotNumber")}
          />
          <NumberInput
            label={`Units received (${product.units})`}
            min={1}
            allowDecimal={false}
            allowNegative={false}
            required
            {...form.getInputProps("quantity")}
          />
          <TextInput
            type="date"
            label="Expiry"
            description="The last day of use"
            min={today()}
            required
            {...form.getInputProps("expiry")}
          />
          <NumberInput
            label="Containers"
            description="The units are split evenly"
            min={1}
            max={500}
            allowDecimal={false}
            allowNegative={false}
            required
            {...form.getInputProps("containers")}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={pending}>
            Receive lot
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What was just received: the containers and their labels, ready to print and stick on. */
function Received({ lot }: { lot: Lot }) {
  return (
    <Alert color="green" title={`Lot ${lot.lotNumber} received`} data-testid="received-lot">
      <Text size="sm">
        {lot.quantity} {lot.productName} units in {lot.containers.length} containers, now in receipt. Print
        their labels, then move them to storage on the Containers tab.
      </Text>
      <List size="sm" mt="xs">
        {lot.containers.map((container) => (
          <List.Item key={container.id}>
            <Group gap="xs">
              <Text size="sm" ff="monospace" data-testid="received-barcode">
                {container.barcode}
              </Text>
              <Text size="sm" c="dimmed">
                {container.quantity} {container.units}
              </Text>
              <Anchor href={labelUrl(container.id)} target="_blank" rel="noopener" size="sm">
                Label
              </Anchor>
            </Group>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

function LotTable({ productId }: { productId: string }) {
  const lots = useLots(productId);
  if (lots.isPending) return <PageLoader />;
  if (lots.isError) return <PharmacyError error={lots.error} />;
  if (lots.data.length === 0) return <Text c="dimmed">No lot of this product has been received yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" data-testid="lot-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Lot</Table.Th>
            <Table.Th>Units</Table.Th>
            <Table.Th>Containers</Table.Th>
            <Table.Th>Expiry</Table.Th>
            <Table.Th>Received</Table.Th>
            <Table.Th>Received by</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lots.data.map((lot) => (
            <Table.Tr key={lot.id}>
              <Table.Td fw={600}>{lot.lotNumber}</Table.Td>
              <Table.Td>{lot.quantity}</Table.Td>
              <Table.Td>{lot.containers.length}</Table.Td>
              <Table.Td>{formatDate(lot.expiry)}</Table.Td>
              <Table.Td>{formatDateTime(lot.receivedAt)}</Table.Td>
              <Table.Td>{lot.receivedBy?.name ?? "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Receiving a lot of a product into labelled containers, and the lots received so far. */
export function ReceiptsTab({ products, role }: { products: Product[]; role: SandboxRole | "staff" | null }) {
  const [productId, setProductId] = useState(products[0]?.id ?? "");
  const [received, setReceived] = useState<Lot | null>(null);
  const product = products.find((candidate) => candidate.id === productId);
  const mayReceive = mayChangePharmacy(role);
  if (products.length === 0)
    return <Text c="dimmed">Add a product first; lots are received per product.</Text>;
  return (
    <Stack>
      <Select
        label="Product"
        data={products.map((option) => ({ value: option.id, label: option.name }))}
        value={productId}
        allowDeselect={false}
        onChange={(value) => {
          setProductId(value ?? "");
          setReceived(null);
        }}
        maw={420}
      />
      {product && mayReceive && (
        <Section
          title="Receive a lot"
          description="The lot is received by you, now, into containers in receipt, each with its own barcode."
        >
          {received && <Received lot={received} />}
          <ReceiveLot key={product.id} product={product} onReceived={setReceived} />
        </Section>
      )}
      {!mayReceive && (
        <Text size="sm" c="dimmed">
          You can read the receipts; pharmacists and the product team receive lots.
        </Text>
      )}
      {product && (
        <Section title={`Lots of ${product.name}`} description="Newest receipt first.">
          <LotTable productId={product.id} />
        </Section>
      )}
    </Stack>
  );
}
