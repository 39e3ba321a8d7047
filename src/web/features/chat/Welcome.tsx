import { Alert, Anchor, Text } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { useSignedInMe } from "../../app/gates.js";
import { useArrival } from "./api.js";

/** The newcomer's first visit to chat: where they are, where to find more, and where help is. */
export function Welcome() {
  const me = useSignedInMe();
  const arrival = useArrival();
  const [dismissed, setDismissed] = useState(false);
  const welcome = arrival.data?.welcome;
  if (!welcome || dismissed) return null;
  const joined = welcome.joined.map((channel) => `#${channel.name}`);
  return (
    <Alert
      color="blue"
      variant="light"
      radius={0}
      title={`Welcome to the community chat, ${me.name}`}
      withCloseButton
      closeButtonLabel="Dismiss the welcome"
      onClose={() => setDismissed(true)}
      data-testid="chat-welcome"
    >
      <Text size="sm">
        You are in #announcements, where the product team posts releases
        {joined.length > 0 ? `, and in ${joined.join(", ")} to meet the community` : ""}. Use “Browse
        channels” in the channel list to find more.
      </Text>
      <Text size="sm">
        Chat is not watched for support: for help,{" "}
        <Anchor component={Link} to="/desk/new" inherit>
          open a ticket in the service desk
        </Anchor>
        .
      </Text>
    </Alert>
  );
}
