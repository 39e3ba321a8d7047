import { Anchor, Switch } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { type Me, meQueryKey } from "../../app/session.js";
import { Section } from "../../app/ui/Section.js";
import { accountsApi } from "./api.js";

/** The per-person switch for release announcement e-mails; on by default. */
export function ReleaseEmailSetting({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (releaseEmails: boolean) => accountsApi.updateMe({ releaseEmails }),
    onSuccess: (updated) => {
      queryClient.setQueryData(meQueryKey, updated);
      notifySuccess(
        updated.releaseEmails ? "You will get release announcements by e-mail." : "No more release e-mails.",
      );
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Section
      title="Notifications"
      description={
        <>
          Releases are always on the{" "}
          <Anchor component={Link} to="/releases" inherit>
            release notes page
          </Anchor>{" "}
          and in #announcements. Mentions, replies and the rest:{" "}
          <Anchor component={Link} to="/settings/notifications" inherit>
            notification preferences
          </Anchor>
          .
        </>
      }
    >
      <Switch
        label="E-mail me release announcements"
        checked={me.releaseEmails}
        disabled={change.isPending}
        onChange={(event) => change.mutate(event.currentTarget.checked)}
      />
    </Section>
  );
}
