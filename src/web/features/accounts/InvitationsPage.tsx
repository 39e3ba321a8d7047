import { useSignedInMe } from "../../app/gates.js";
import { Page } from "../../app/ui/Page.js";
import { InvitationsList } from "./InvitationsList.js";
import { InviteForm } from "./InviteForm.js";

export function InvitationsPage() {
  const me = useSignedInMe();
  return (
    <Page title="Invitations">
      <InviteForm me={me} />
      <InvitationsList />
    </Page>
  );
}
