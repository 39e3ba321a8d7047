import { Anchor, Button, Checkbox, Group, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { formatDate } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { type Agreement, sandboxApi, sandboxKeys } from "./api.js";

export const DESK_QUESTION_LINK = "/desk/new?type=dev_environment_question";

/** The desk's form for a development-environment question, carrying the sandbox page it was asked from. */
export const reportProblemLink = (page: string) => `${DESK_QUESTION_LINK}&from=${encodeURIComponent(page)}`;

export function DeskQuestionLink() {
  return (
    <Anchor component={Link} to={DESK_QUESTION_LINK} size="sm">
      Ask the service desk about the development environment
    </Anchor>
  );
}

/**
 * The agreement in force; with `acceptable`, the checkbox and button that accept it, and
 * `onAccepted` runs once it is accepted.
 */
export function AgreementPanel({
  agreement,
  acceptable,
  onAccepted,
}: {
  agreement: Agreement;
  acceptable: boolean;
  onAccepted?: () => void;
}) {
  const queryClient = useQueryClient();
  const [read, setRead] = useState(false);
  const accept = useMutation({
    mutationFn: () => sandboxApi.accept(agreement.id),
    onSuccess: (accepted) => {
      queryClient.setQueryData(sandboxKeys.agreement, accepted);
      void queryClient.invalidateQueries({ queryKey: ["sandbox"] });
      onAccepted?.();
    },
  });
  return (
    <Section
      title={agreement.title}
      description={`Version ${agreement.version}, published ${formatDate(agreement.publishedAt)}`}
    >
      <div data-testid="agreement-body">
        <ServerHtml html={agreement.bodyHtml} />
      </div>
      {acceptable ? (
        <Stack gap="sm">
          <ErrorAlert error={accept.error} />
          <Checkbox
            label="I have read and accept the agreement"
            checked={read}
            onChange={(event) => setRead(event.currentTarget.checked)}
          />
          <Group>
            <Button disabled={!read} loading={accept.isPending} onClick={() => accept.mutate()}>
              Accept
            </Button>
            <DeskQuestionLink />
          </Group>
        </Stack>
      ) : (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {agreement.acceptedAt
              ? `You accepted this version on ${formatDate(agreement.acceptedAt)}.`
              : null}
          </Text>
          <DeskQuestionLink />
        </Group>
      )}
    </Section>
  );
}
