import { Button, NumberInput, Select, Stack, Textarea } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { ideaStatuses, ideaStatusLabels } from "../../../server/modules/ideas/contracts/ideas.js";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { type Idea, type IdeaStatus, ideasApi, useIdeaRefresh, useIdeas, useLinkOptions } from "./api.js";

const statusOptions = ideaStatuses.map((status) => ({ value: status, label: ideaStatusLabels[status] }));

type StatusValues = {
  status: IdeaStatus;
  declineReason: string;
  flagKey: string | null;
  feedbackRoundId: string | null;
  releaseId: string | null;
};

/** Status and what it links; only the fields the chosen status takes are shown and sent. */
function StatusForm({ idea }: { idea: Idea }) {
  const refresh = useIdeaRefresh();
  const options = useLinkOptions(true);
  const form = useForm<StatusValues>({
    initialValues: {
      status: idea.status,
      declineReason: idea.declineReason ?? "",
      flagKey: idea.flag?.key ?? null,
      feedbackRoundId: idea.feedbackRound?.id ?? null,
      releaseId: idea.release?.id ?? null,
    },
  });
  const { status } = form.values;
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) =>
      ideasApi.setStatus(idea.id, {
        status: values.status,
        ...(values.status === "declined" ? { declineReason: values.declineReason } : {}),
        ...(values.status === "in_preview"
          ? { flagKey: values.flagKey ?? undefined, feedbackRoundId: values.feedbackRoundId ?? undefined }
          : {}),
        ...(values.status === "released" ? { releaseId: values.releaseId ?? undefined } : {}),
      }),
    { afterSuccess: "keep", onSuccess: (saved) => refresh(saved) },
  );
  const flags = (options.data?.flags ?? []).map((flag) => ({
    value: flag.key,
    label: `${flag.name} (${flag.key})`,
  }));
  const rounds = (options.data?.feedbackRounds ?? []).map((round) => ({
    value: round.id,
    label: `${round.title} · ${round.project}`,
  }));
  const releases = (options.data?.releases ?? []).map((release) => ({
    value: release.id,
    label: `Convene ${release.version}`,
  }));

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <Select label="Status" data={statusOptions} allowDeselect={false} {...form.getInputProps("status")} />
        {status === "declined" && (
          <Textarea
            label="Reason"
            description="Shown on the idea and told to everyone who asked."
            autosize
            minRows={2}
            required
            {...form.getInputProps("declineReason")}
          />
        )}
        {status === "in_preview" && (
          <>
            <Select
              label="Feature flag"
              data={flags}
              required
              searchable
              {...form.getInputProps("flagKey")}
            />
            <Select
              label="Feedback round"
              data={rounds}
              clearable
              searchable
              {...form.getInputProps("feedbackRoundId")}
            />
          </>
        )}
        {status === "released" && (
          <Select label="Release" data={releases} required searchable {...form.getInputProps("releaseId")} />
        )}
        <Button type="submit" loading={pending} w="fit-content">
          Save status
        </Button>
      </Stack>
    </form>
  );
}

function MergeForm({ idea }: { idea: Idea }) {
  const refresh = useIdeaRefresh();
  const others = useIdeas({ sort: "newest" });
  const form = useForm<{ targetId: string | null }>({
    initialValues: { targetId: null },
    validate: { targetId: isNotEmpty("Choose the idea to merge into.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => ideasApi.merge(idea.id, values.targetId ?? ""),
    { onSuccess: () => refresh() },
  );
  const targets = (others.data ?? [])
    .filter((other) => other.id !== idea.id)
    .map((other) => ({ value: other.id, label: other.title }));
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <Select
          label="Duplicate of"
          description="Its votes and tickets move there; this page stays, marked merged."
          data={targets}
          searchable
          {...form.getInputProps("targetId")}
        />
        <Button type="submit" variant="default" loading={pending} w="fit-content">
          Merge into it
        </Button>
      </Stack>
    </form>
  );
}

function TicketLinkForm({ idea }: { idea: Idea }) {
  const refresh = useIdeaRefresh();
  const form = useForm<{ ticketNumber: number | string }>({
    initialValues: { ticketNumber: "" },
    validate: { ticketNumber: isNotEmpty("Enter the ticket's number.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => ideasApi.linkTicket(idea.id, Number(values.ticketNumber)),
    { onSuccess: (saved) => refresh(saved) },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <NumberInput
          label="Ticket number"
          min={1}
          allowDecimal={false}
          {...form.getInputProps("ticketNumber")}
        />
        <Button type="submit" variant="default" loading={pending} w="fit-content">
          Link ticket
        </Button>
      </Stack>
    </form>
  );
}

/** What the product team decides about an idea. */
export function StaffPanel({ idea }: { idea: Idea }) {
  if (idea.mergedInto) return null;
  return (
    <Stack gap="lg">
      <Section title="Decide">
        <StatusForm key={`${idea.status}-${idea.statusChangedAt}`} idea={idea} />
      </Section>
      <Section title="Link a ticket" description="A service-desk ticket that asks for this idea.">
        <TicketLinkForm idea={idea} />
      </Section>
      <Section title="Merge a duplicate">
        <MergeForm idea={idea} />
      </Section>
    </Stack>
  );
}
