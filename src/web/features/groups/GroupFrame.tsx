import { Anchor, Badge, Group as Row, Tabs, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import { isApiError } from "../../app/api.js";
import { useLiveQueries } from "../../app/live.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { MembershipBadge } from "./GroupsPage.js";
import { type Group, groupLive, useGroup } from "./groups-api.js";

export type GroupTab = "topics" | "members" | "moderation" | "settings";

const tabPaths: Record<GroupTab, string> = {
  topics: "",
  members: "/members",
  moderation: "/moderation",
  settings: "/settings",
};

/**
 * The frame of every page of one group: its name, address and tabs. The moderation tab is offered
 * to owners and moderators only; settings is always offered, and its page says who may change them.
 */
export function GroupFrame({
  handle,
  tab,
  children,
}: {
  handle: string;
  tab: GroupTab;
  children: (group: Group) => ReactNode;
}) {
  const navigate = useNavigate();
  const group = useGroup(handle);
  useLiveQueries(group.data ? groupLive(group.data) : []);
  if (group.isPending) return <PageLoader />;
  if (group.isError)
    return (
      <Page title="Group">
        <ErrorAlert
          error={
            isApiError(group.error, "not_found")
              ? "There is no such group, or it is unlisted and you are not a member."
              : group.error
          }
        />
        <Anchor component={Link} to="/groups">
          Back to the groups
        </Anchor>
      </Page>
    );
  const shown = group.data;
  return (
    <Page title={shown.name} size="xl" actions={<MembershipBadge group={shown} />}>
      <Row gap="xs">
        <Anchor component={Link} to="/groups" size="sm">
          Groups
        </Anchor>
        <Text size="sm" c="dimmed">
          ·
        </Text>
        <Text size="sm" ff="monospace" data-testid="group-address">
          {shown.address}
        </Text>
        {shown.visibility === "unlisted" && (
          <Badge size="xs" variant="outline" color="gray">
            Unlisted
          </Badge>
        )}
      </Row>
      <Tabs
        value={tab}
        onChange={(value) => value && navigate(`/groups/${shown.handle}${tabPaths[value as GroupTab]}`)}
      >
        <Tabs.List>
          <Tabs.Tab value="topics">Topics</Tabs.Tab>
          <Tabs.Tab value="members">Members</Tabs.Tab>
          {shown.canModerate && <Tabs.Tab value="moderation">Moderation</Tabs.Tab>}
          {shown.canManage && <Tabs.Tab value="settings">Settings</Tabs.Tab>}
        </Tabs.List>
      </Tabs>
      {children(shown)}
    </Page>
  );
}
