import { Alert, Anchor, Badge, Group, List, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { useSignedInMe } from "../../app/gates.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { AgreementPanel, DeskQuestionLink } from "./AgreementPanel.js";
import { roleLabels, type SandboxStatus, useAgreement, useSandboxStatus } from "./api.js";
import { SandboxUsers } from "./SandboxUsers.js";

const TITLE = "Development environment";

/** Shown on every sandbox page once inside: what this instance is and is not. */
export function EnvironmentBanner() {
  return (
    <Alert
      color="orange"
      variant="light"
      title="Community development environment"
      data-testid="sandbox-banner"
    >
      <List size="sm" spacing={2}>
        <List.Item>There is no service-level agreement: no promised uptime or support hours.</List.Item>
        <List.Item>
          Never enter real, production or PHI data; every volunteer here is synthetic or obfuscated.
        </List.Item>
        <List.Item>The data may be changed or wiped at any time.</List.Item>
      </List>
    </Alert>
  );
}

function NotASandboxUser() {
  const me = useSignedInMe();
  return (
    <Section title="You do not have access yet">
      <Text>
        The community development environment is a shared instance of our Phase 1 product where customers and
        development partners try the newest features. People are added by their organisation's admin.
      </Text>
      <Text>
        Ask your organisation's admin at {me.organisation.name} to add you to the development environment. If
        your organisation has no admin, the product team can add you.
      </Text>
      <DeskQuestionLink />
    </Section>
  );
}

function AgreementStep() {
  const agreement = useAgreement();
  if (agreement.isPending) return <PageLoader />;
  if (agreement.isError) return <ErrorAlert error={agreement.error} />;
  return (
    <Stack>
      <Text>
        Before you use the development environment, read the Access and Use Agreement and accept it. You will
        be asked again whenever the product team publishes a new version.
      </Text>
      <AgreementPanel agreement={agreement.data} acceptable />
    </Stack>
  );
}

function SandboxHome({ status }: { status: SandboxStatus }) {
  const me = useSignedInMe();
  return (
    <Stack>
      <EnvironmentBanner />
      <Section title="Your access">
        <Group gap="xs">
          <Text>Your role:</Text>
          {status.role ? (
            <Badge variant="light" data-testid="sandbox-role">
              {status.role === "staff" ? "Product team (full rights)" : roleLabels[status.role]}
            </Badge>
          ) : (
            <Text c="dimmed">none: you manage users but are not a user yourself</Text>
          )}
        </Group>
        {status.agreement && (
          <Text size="sm">
            You accepted version {status.agreement.version} of the Access and Use Agreement.{" "}
            <Anchor component={Link} to="/sandbox/agreement" inherit>
              Read the agreement again
            </Anchor>
          </Text>
        )}
        <DeskQuestionLink />
      </Section>
      {status.canManageUsers && <SandboxUsers isStaff={me.isStaff} />}
    </Stack>
  );
}

/** `/sandbox`: who may enter, the agreement first, then the sandbox home. */
export function SandboxPage() {
  const status = useSandboxStatus();
  return (
    <Page title={TITLE}>
      {status.isPending ? (
        <PageLoader />
      ) : status.isError ? (
        <ErrorAlert error={status.error} />
      ) : status.data.role === null && !status.data.canManageUsers ? (
        <NotASandboxUser />
      ) : status.data.agreement === null ? (
        <Alert color="gray">
          The product team has not published the Access and Use Agreement yet. Please come back later.
        </Alert>
      ) : !status.data.accepted ? (
        <AgreementStep />
      ) : (
        <SandboxHome status={status.data} />
      )}
    </Page>
  );
}

/** `/sandbox/agreement`: the agreement in force, to read again (or accept, if not yet). */
export function SandboxAgreementPage() {
  const agreement = useAgreement();
  return (
    <Page
      title="Access and Use Agreement"
      actions={
        <Anchor component={Link} to="/sandbox">
          Back to the development environment
        </Anchor>
      }
    >
      {agreement.isPending ? (
        <PageLoader />
      ) : agreement.isError ? (
        <ErrorAlert error={agreement.error} />
      ) : (
        <AgreementPanel agreement={agreement.data} acceptable={agreement.data.acceptedAt === null} />
      )}
    </Page>
  );
}
