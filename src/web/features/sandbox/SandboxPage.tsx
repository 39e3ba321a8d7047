import { Alert, Anchor, Badge, Group, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { safeReturnPath, useSignedInMe } from "../../app/gates.js";
import { useGoTo } from "../../app/navigate.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { PharmacyHomeSection } from "../pharmacy/PharmacyHomeSection.js";
import { AgreementPanel, DeskQuestionLink } from "./AgreementPanel.js";
import { roleLabels, type SandboxStatus, useAgreement, useSandboxStatus } from "./api.js";
import { SandboxFrame, WipeCountdown } from "./EnvironmentBanner.js";
import { SandboxUsers } from "./SandboxUsers.js";
import { mayCreateStudies } from "./studies-api.js";
import { canWriteVolunteers } from "./volunteers-api.js";

const TITLE = "Development environment";

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

type SandboxGateProps = {
  /**
   * Lets in an organisation admin who manages sandbox users without being one (the sandbox home);
   * every page of sandbox data leaves it off, because the API refuses such a person.
   */
  allowUserManagers?: boolean;
  children: (status: SandboxStatus) => ReactNode;
};

/**
 * The one gate in front of every sandbox page, mirroring the server's: someone not added is told
 * whom to ask, someone who has not accepted the agreement in force reads and accepts it first, and
 * everyone inside sees the environment banner (build, wipe countdown) above the page, or a running
 * wipe's progress instead of it.
 */
export function SandboxGate({ allowUserManagers = false, children }: SandboxGateProps) {
  const status = useSandboxStatus();
  if (status.isPending) return <PageLoader />;
  if (status.isError)
    return isApiError(status.error, "sandbox_resetting") ? (
      <SandboxFrame refused>{null}</SandboxFrame>
    ) : (
      <ErrorAlert error={status.error} />
    );
  const mayEnter = status.data.role !== null || (allowUserManagers && status.data.canManageUsers);
  if (!mayEnter) return <NotASandboxUser />;
  if (status.data.agreement === null)
    return (
      <Alert color="gray">
        The product team has not published the Access and Use Agreement yet. Please come back later.
      </Alert>
    );
  if (!status.data.accepted)
    return (
      <Stack>
        <WipeCountdown />
        <AgreementStep />
      </Stack>
    );
  return <SandboxFrame>{children(status.data)}</SandboxFrame>;
}

function SandboxHome({ status }: { status: SandboxStatus }) {
  const me = useSignedInMe();
  return (
    <Stack>
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
      {status.role !== null && (
        <Section
          title="Studies"
          description="Phase 1 study designs (epochs, cohorts, events) and the volunteers enrolled in them."
        >
          <Anchor component={Link} to="/sandbox/studies">
            {mayCreateStudies(status.role) ? "Browse and add studies" : "Browse studies"}
          </Anchor>
        </Section>
      )}
      {status.role !== null && (
        <Section
          title="Volunteers"
          description="The Phase 1 volunteer database: synthetic records, and imports obfuscated on the way in."
        >
          <Group gap="lg">
            <Anchor component={Link} to="/sandbox/volunteers">
              Find volunteers
            </Anchor>
            {canWriteVolunteers(status.role) && (
              <Anchor component={Link} to="/sandbox/import">
                Import volunteers from a CSV
              </Anchor>
            )}
          </Group>
        </Section>
      )}
      {status.role !== null && <PharmacyHomeSection />}
      {status.role !== null && (
        <Section
          title="This environment"
          description="What runs here: the builds deployed, the features in preview, and any wipe announced."
        >
          <Group gap="lg">
            <Anchor component={Link} to="/sandbox/status">
              Environment status
            </Anchor>
            <Anchor component={Link} to="/sandbox/deployments">
              Deployment history
            </Anchor>
          </Group>
        </Section>
      )}
      {status.canManageUsers && <SandboxUsers isStaff={me.isStaff} />}
    </Stack>
  );
}

/** `/sandbox`: who may enter, the agreement first, then the sandbox home. */
export function SandboxPage() {
  return (
    <Page title={TITLE}>
      <SandboxGate allowUserManagers>{(status) => <SandboxHome status={status} />}</SandboxGate>
    </Page>
  );
}

/**
 * Staff pages that use sandbox data (feature flags) lead to the agreement first, like the sandbox
 * pages do, and show the page itself once it is accepted.
 */
export function AgreementFirst({ children }: { children: ReactNode }) {
  const status = useSandboxStatus();
  if (status.isPending) return <PageLoader />;
  if (status.isError) return <ErrorAlert error={status.error} />;
  if (status.data.agreement !== null && !status.data.accepted) return <AgreementStep />;
  return children;
}

/**
 * `/sandbox/agreement`: the agreement in force, to read again (or accept, if not yet); accepting it
 * returns to the page that asked for it (`?next=`).
 */
export function SandboxAgreementPage() {
  const agreement = useAgreement();
  const goTo = useGoTo();
  const [search] = useSearchParams();
  const next = search.get("next");
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
        <AgreementPanel
          agreement={agreement.data}
          acceptable={agreement.data.acceptedAt === null}
          onAccepted={next ? () => goTo(safeReturnPath(next)) : undefined}
        />
      )}
    </Page>
  );
}
