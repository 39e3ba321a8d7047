import { Button, Group, MultiSelect, Stack, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { isApiError } from "../../app/api.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { useIdeas } from "../ideas/api.js";
import { type Release, releaseKeys, releasesApi } from "./api.js";

/** "12, #34 56" -> ["12", "34", "56"]; the server reads them as numbers and names any that is not one. */
const ticketNumbersOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((part) => part.replace(/^#/, ""))
    .filter(Boolean);

/**
 * What a draft closes: the ideas it ships and the tickets it fixes. Publishing releases those ideas
 * (their voters hear of it) and tells each ticket's requester and watchers; the tickets stay open for
 * the desk to close once the customer confirms.
 */
export function ReleaseClosesEditor({ release }: { release: Release }) {
  const queryClient = useQueryClient();
  const ideas = useIdeas({ sort: "newest" });
  const [ideaIds, setIdeaIds] = useState(release.closes.ideas.map((idea) => idea.id));
  const [tickets, setTickets] = useState(
    release.closes.tickets.map((ticket) => `#${ticket.number}`).join(", "),
  );
  const save = useMutation({
    mutationFn: () =>
      releasesApi.setCloses(release.id, {
        ideaIds,
        ticketNumbers: ticketNumbersOf(tickets),
      }),
    onSuccess: (saved) => {
      notifySuccess(`What ${saved.version} closes is saved.`);
      queryClient.setQueryData(releaseKeys.adminOne(saved.id), saved);
    },
  });
  const fields = isApiError(save.error) ? save.error.fields : {};
  const options = [
    ...(ideas.data ?? []).map((idea) => ({ value: idea.id, label: idea.title })),
    ...release.closes.ideas
      .filter((chosen) => !ideas.data?.some((idea) => idea.id === chosen.id))
      .map((idea) => ({ value: idea.id, label: idea.title })),
  ];
  return (
    <Section
      title="Closes"
      description="Ideas this release ships and tickets it fixes. Publishing marks the ideas released and tells the tickets' requesters and watchers; staff still close the tickets."
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          {Object.keys(fields).length === 0 && <ErrorAlert error={save.error} />}
          <MultiSelect
            label="Ideas it ships"
            placeholder="Search ideas"
            data={options}
            value={ideaIds}
            onChange={setIdeaIds}
            searchable
            clearable
            nothingFoundMessage="No idea matches"
            error={fields.ideaIds}
          />
          <TextInput
            label="Tickets it fixes"
            description="Ticket numbers, separated by commas: #12, #34"
            value={tickets}
            onChange={(event) => setTickets(event.currentTarget.value)}
            error={
              fields.ticketNumbers ??
              Object.entries(fields).find(([f]) => f.startsWith("ticketNumbers."))?.[1]
            }
          />
          <Group>
            <Button type="submit" variant="default" loading={save.isPending}>
              Save what it closes
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
