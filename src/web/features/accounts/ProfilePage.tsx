import { useSignedInMe } from "../../app/gates.js";
import { Page } from "../../app/ui/Page.js";
import { ApiTokensSection } from "./ApiTokens.js";
import { ChangePasswordForm } from "./ChangePasswordForm.js";
import { PasskeySettings } from "./PasskeySettings.js";
import { PersonalDataSection } from "./PersonalDataSection.js";
import { ProfileDetailsForm } from "./ProfileDetailsForm.js";
import { ReleaseEmailSetting } from "./ReleaseEmailSetting.js";
import { SessionsList } from "./SessionsList.js";
import { TwoFactorSettings } from "./TwoFactorSettings.js";

export function ProfilePage() {
  const me = useSignedInMe();
  return (
    <Page title="Profile" size="md">
      <ProfileDetailsForm me={me} />
      <ReleaseEmailSetting me={me} />
      <ChangePasswordForm />
      <TwoFactorSettings me={me} />
      <PasskeySettings />
      <SessionsList />
      <ApiTokensSection />
      <PersonalDataSection />
    </Page>
  );
}
