import { Button, Group, Modal, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import type { SandboxRole } from "../sandbox/api.js";
import {
  mayChangePharmacy,
  type Product,
  type ProductInput,
  pharmacyApi,
  usePharmacyChanged,
} from "./api.js";

type Values = ProductInput & { reason: string };

/** A product's fields, new or edited; an edit may say why, for the audit trail. */
function ProductForm({ product, onSaved }: { product: Product | null; onSaved: () => void }) {
  const changed = usePharmacyChanged();
  const form = useForm<Values>({
    initialValues: {
      name: product?.name ?? "",
      form: product?.form ?? "",
      strength: product?.strength ?? "",
      units: product?.units ?? "",
      defaultDose: product?.defaultDose ?? "",
      storageNotes: product?.storageNotes ?? "",
      reason: "",
    },
    validate: {
      name: isNotEmpty("Enter the product name."),
      form: isNotEmpty("Enter the form (tablet, capsule, oral solution...)."),
      strength: isNotEmpty("Enter the strength."),
      units: isNotEmpty("Enter the unit counted in stock (tablet, vial, mL...)."),
      defaultDose: isNotEmpty("Enter the default dose."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    ({ reason, ...fields }: Values) =>
      product
        ? pharmacyApi.updateProduct(product.id, { ...fields, ...(reason.trim() ? { reason } : {}) })
        : pharmacyApi.createProduct(fields),
    {
      onSuccess: (saved) => {
        notifySuccess(product ? `${saved.name} saved.` : `${saved.name} added.`);
        changed();
        onSaved();
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate data-testid="product-form">
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label="Name" placeholder="NWX-12 10 mg tablet" required {...form.getInputProps("name")} />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput label="Form" placeholder="tablet" required {...form.getInputProps("form")} />
          <TextInput label="Strength" placeholder="10 mg" required {...form.getInputProps("strength")} />
          <TextInput
            label="Units"
            description="What stock is counted in"
            placeholder="tablet"
            required
            {...form.getInputProps("units")}
          />
        </SimpleGrid>
        <TextInput
          label="Default dose"
          placeholder="10 mg NWX-12 oral"
          required
          {...form.getInputProps("defaultDose")}
        />
        <Textarea label="Storage notes" autosize minRows={2} {...form.getInputProps("storageNotes")} />
        {product && (
          <Textarea
            label="Reason for the change"
            description="Optional; recorded in the audit trail with the change."
            autosize
            minRows={2}
            {...form.getInputProps("reason")}
          />
        )}
        <Group>
          <Button type="submit" loading={pending}>
            {product ? "Save" : "Add product"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The products of the shared pharmacy; pharmacists and the product team add and edit them. */
export function ProductsTab({ products, role }: { products: Product[]; role: SandboxRole | "staff" | null }) {
  // undefined: no form open; null: a new product; else the product being edited.
  const [editing, setEditing] = useState<Product | null | undefined>(undefined);
  const mayChange = mayChangePharmacy(role);
  return (
    <Section
      title="Investigational products"
      description={
        mayChange ? undefined : "You can read the pharmacy; pharmacists and the product team change it."
      }
      actions={mayChange && <Button onClick={() => setEditing(null)}>Add product</Button>}
    >
      {products.length === 0 ? (
        <Text c="dimmed">There are no products yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="sm" data-testid="product-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Form</Table.Th>
                <Table.Th>Strength</Table.Th>
                <Table.Th>Units</Table.Th>
                <Table.Th>Default dose</Table.Th>
                <Table.Th>Storage notes</Table.Th>
                {mayChange && <ActionsHeader />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {products.map((product) => (
                <Table.Tr key={product.id}>
                  <Table.Td fw={600}>{product.name}</Table.Td>
                  <Table.Td>{product.form}</Table.Td>
                  <Table.Td>{product.strength}</Table.Td>
                  <Table.Td>{product.units}</Table.Td>
                  <Table.Td>{product.defaultDose}</Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {product.storageNotes || "—"}
                    </Text>
                  </Table.Td>
                  {mayChange && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing(product)}
                        aria-label={`Edit ${product.name}`}
                      >
                        Edit
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={editing ? `Edit ${editing.name}` : "Add product"}
        size="lg"
      >
        {editing !== undefined && (
          <ProductForm key={editing?.id ?? "new"} product={editing} onSaved={() => setEditing(undefined)} />
        )}
      </Modal>
    </Section>
  );
}
