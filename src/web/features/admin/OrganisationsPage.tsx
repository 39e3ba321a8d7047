import { Badge, Button, Group, Modal, Table, Text, VisuallyHidden } from "@mantine/core";
import { Fragment, useState } from "react";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { kindLabel, type Organisation, useAdminLive, useOrganisations } from "./api.js";
import { OrganisationForm } from "./OrganisationForm.js";
import { OrganisationSignInForm } from "./OrganisationSignInForm.js";
import { ScimTokens } from "./ScimTokens.js";

/** A domain's badge wraps (after its dots) rather than widen the table past a phone's screen. */
const wrappingBadge = { label: { whiteSpace: "normal", lineHeight: 1.4 } } as const;

/** A domain that may break after each dot: "acme-labs.<wbr>example". */
function BreakableDomain({ domain }: { domain: string }) {
  const parts = domain.split(".");
  return parts.map((part, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: a domain's labels never move.
    <Fragment key={index}>
      {part}
      {index < parts.length - 1 && (
        <>
          .<wbr />
        </>
      )}
    </Fragment>
  ));
}

/** `null` while closed; `"new"` to create one; an organisation to edit it. */
type Editing = Organisation | "new" | null;

function OrganisationTable({
  organisations,
  onEdit,
  onEditSignIn,
  onProvisioning,
}: {
  organisations: Organisation[];
  onEdit: (o: Organisation) => void;
  onEditSignIn: (o: Organisation) => void;
  onProvisioning: (o: Organisation) => void;
}) {
  if (organisations.length === 0) return <Text c="dimmed">No organisations yet.</Text>;
  return (
    <ResponsiveTable minWidth={640}>
      <Table verticalSpacing="sm" data-testid="organisations-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th visibleFrom="sm">Kind</Table.Th>
            <Table.Th>Domains</Table.Th>
            <Table.Th>Members</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {organisations.map((organisation) => (
            <Table.Tr key={organisation.id}>
              <Table.Td fw={500}>{organisation.name}</Table.Td>
              <Table.Td visibleFrom="sm">{kindLabel(organisation.kind)}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {organisation.domains.map((domain) => (
                    <Badge
                      key={domain}
                      variant="outline"
                      color="gray"
                      tt="none"
                      maw="100%"
                      h="auto"
                      styles={wrappingBadge}
                    >
                      <BreakableDomain domain={domain} />
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{organisation.memberCount}</Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button size="xs" variant="default" onClick={() => onEdit(organisation)}>
                    Edit<VisuallyHidden> {organisation.name}</VisuallyHidden>
                  </Button>
                  <Button size="xs" variant="default" onClick={() => onEditSignIn(organisation)}>
                    Sign-in<VisuallyHidden> of {organisation.name}</VisuallyHidden>
                  </Button>
                  <Button size="xs" variant="default" onClick={() => onProvisioning(organisation)}>
                    SCIM<VisuallyHidden> provisioning of {organisation.name}</VisuallyHidden>
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

export function OrganisationsPage() {
  useAdminLive();
  const organisations = useOrganisations();
  const [editing, setEditing] = useState<Editing>(null);
  const [provisioning, setProvisioning] = useState<Organisation | null>(null);
  const close = () => setEditing(null);
  // The organisation whose identity provider and password sign-in staff are setting, if any.
  const [signInOf, setSignInOf] = useState<Organisation | null>(null);

  return (
    <Page title="Organisations" actions={<Button onClick={() => setEditing("new")}>New organisation</Button>}>
      {organisations.isPending ? (
        <PageLoader />
      ) : organisations.isError ? (
        <ErrorAlert error={organisations.error} />
      ) : (
        <OrganisationTable
          organisations={organisations.data}
          onEdit={setEditing}
          onEditSignIn={setSignInOf}
          onProvisioning={setProvisioning}
        />
      )}
      <Modal
        opened={editing !== null}
        onClose={close}
        title={editing === "new" ? "New organisation" : `Edit ${editing?.name ?? ""}`}
      >
        {editing && <OrganisationForm organisation={editing === "new" ? null : editing} onDone={close} />}
      </Modal>
      <Modal
        opened={signInOf !== null}
        onClose={() => setSignInOf(null)}
        title={`Sign-in of ${signInOf?.name ?? ""}`}
        size="lg"
      >
        {signInOf && <OrganisationSignInForm organisation={signInOf} onDone={() => setSignInOf(null)} />}
      </Modal>
      <Modal
        opened={provisioning !== null}
        onClose={() => setProvisioning(null)}
        title={`SCIM provisioning of ${provisioning?.name ?? ""}`}
        size="lg"
      >
        {provisioning && <ScimTokens organisation={provisioning} />}
      </Modal>
    </Page>
  );
}
