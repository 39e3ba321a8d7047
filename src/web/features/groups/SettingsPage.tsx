import { Alert } from "@mantine/core";
import { useParams } from "react-router";
import { Section } from "../../app/ui/Section.js";
import { GroupFrame } from "./GroupFrame.js";
import { GroupSettingsForm } from "./GroupSettingsForm.js";
import { groupsApi, useGroupsRefresh } from "./groups-api.js";

/** `/groups/:handle/settings`: owners only; the server refuses anyone else (staff included) with 403. */
export function SettingsPage() {
  const { handle = "" } = useParams();
  const refresh = useGroupsRefresh();
  return (
    <GroupFrame handle={handle} tab="settings">
      {(group) =>
        group.canManage ? (
          <Section title="Settings" description="The handle, and so the group's address, never changes.">
            <GroupSettingsForm
              group={group}
              submitLabel="Save settings"
              submit={({ handle: _unchangeable, ...settings }) =>
                groupsApi.updateSettings(group.handle, settings)
              }
              onSaved={() => void refresh()}
            />
          </Section>
        ) : (
          <Alert color="yellow" variant="light" data-testid="settings-refused">
            Only the group's owners change its settings.
          </Alert>
        )
      }
    </GroupFrame>
  );
}
