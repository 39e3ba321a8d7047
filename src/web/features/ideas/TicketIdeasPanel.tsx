import { Anchor, Button, Group, List, Select, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { ideasApi, useIdeaRefresh, useIdeas, useTicketIdeas } from "./api.js";
import { IdeaStatusBadge } from "./IdeaBits.js";

/** Staff link the ticket to an idea from its page, as they can from the idea's page. */
function LinkIdea({ ticketNumber, linkedIds }: { ticketNumber: number; linkedIds: string[] }) {
  const ideas = useIdeas({ sort: "votes" });
  const refresh = useIdeaRefresh();
  const [ideaId, setIdeaId] = useState<string | null>(null);
  const link = useMutation({
    mutationFn: (id: string) => ideasApi.linkTicket(id, ticketNumber),
    onSuccess: async (idea) => {
      notifySuccess(`Ticket #${ticketNumber} is linked to "${idea.title}".`);
      setIdeaId(null);
      await refresh(idea);
    },
  });
  const options = (ideas.data ?? [])
    .filter((idea) => !linkedIds.includes(idea.id))
    .map((idea) => ({ value: idea.id, label: idea.title }));
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (ideaId) link.mutate(ideaId);
      }}
    >
      <Stack gap="xs">
        <ErrorAlert error={link.error} />
        <Select
          label="Link to an idea"
          placeholder="Search ideas"
          data={options}
          value={ideaId}
          onChange={setIdeaId}
          searchable
          nothingFoundMessage="No idea matches"
        />
        <Group>
          <Button type="submit" size="xs" variant="default" disabled={!ideaId} loading={link.isPending}>
            Link idea
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The ideas this ticket asks for. Everyone who may open the ticket sees them; linking is the product
 * team's, as on the idea's page, since it decides who hears when the idea moves.
 */
export function TicketIdeasPanel({ ticketId, ticketNumber }: { ticketId: string; ticketNumber: number }) {
  const me = useSignedInMe();
  const ideas = useTicketIdeas(ticketId);
  const linked = ideas.data ?? [];
  if (!me.isStaff && linked.length === 0) return null;
  return (
    <Section title="Ideas">
      <Stack gap="sm">
        {linked.length === 0 ? (
          <Text size="sm">Not linked to an idea.</Text>
        ) : (
          <List size="sm" spacing="xs">
            {linked.map((idea) => (
              <List.Item key={idea.id}>
                <Group gap="xs" wrap="wrap">
                  <Anchor component={Link} to={`/ideas/${idea.id}`}>
                    {idea.title}
                  </Anchor>
                  <IdeaStatusBadge status={idea.status} />
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        {me.isStaff && <LinkIdea ticketNumber={ticketNumber} linkedIds={linked.map((idea) => idea.id)} />}
      </Stack>
    </Section>
  );
}
