import { useSignedInMe } from "../../app/gates.js";
import { Page } from "../../app/ui/Page.js";
import { ManagedApiTokens } from "./ApiTokens.js";
import { InvitationsList } from "./InvitationsList.js";
import { InviteForm } from "./InviteForm.js";

export function InvitationsPage() {
  const me = useSignedInMe();
  return (
    <Page title="Invitations">
      <InviteForm me={me} />
      <InvitationsList />
      {me.isOrgAdmin && !me.isStaff && (
        <ManagedApiTokens
          description={`Tokens people of ${me.organisation.name} made. Revoke any your organisation should not have.`}
        />
      )}
    </Page>
  );
}
