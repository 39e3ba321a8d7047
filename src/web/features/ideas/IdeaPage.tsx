import { Alert, Anchor, Blockquote, Button, Grid, Group, List, Stack, Text, Textarea } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { IconFlask, IconGitMerge } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { ideaModuleLabels } from "../../../server/modules/ideas/contracts/ideas.js";
import { isApiError } from "../../app/api.js";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { type Idea, ideasApi, useIdea, useIdeaEvents, useIdeaRefresh } from "./api.js";
import { IdeaStatusBadge, VoteButton } from "./IdeaBits.js";
import { StaffPanel } from "./StaffPanel.js";

/** Chat messages linked as evidence: quoted where the reader may read the channel, else only counted. */
function ChatEvidence({ messages }: { messages: Idea["messages"] }) {
  return (
    <Section title="From chat">
      <Stack gap="sm">
        {messages.map((message, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the server lists evidence in the order it was linked.
          <div key={index}>
            {message.readable ? (
              <Blockquote
                p="sm"
                cite={`${message.author.name} in ${message.isDirect ? "a direct message" : `#${message.channelName}`}`}
              >
                <ServerHtml html={message.bodyHtml} />
                <Anchor component={Link} to={message.url} size="sm">
                  Open in chat
                </Anchor>
              </Blockquote>
            ) : (
              <Text size="sm" c="dimmed">
                A message in a private conversation
              </Text>
            )}
          </div>
        ))}
      </Stack>
    </Section>
  );
}

function CommentForm({ idea }: { idea: Idea }) {
  const refresh = useIdeaRefresh();
  const form = useForm({ initialValues: { body: "" }, validate: { body: isNotEmpty("Write a comment.") } });
  const { onSubmit, error, pending } = useFormSubmit(form, (values) => ideasApi.comment(idea.id, values), {
    onSuccess: () => refresh(),
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <Textarea
          label="Your comment"
          description="Markdown is supported. Tell the team how this would help your unit."
          autosize
          minRows={3}
          required
          {...form.getInputProps("body")}
        />
        <Button type="submit" loading={pending} w="fit-content">
          Comment
        </Button>
      </Stack>
    </form>
  );
}

/** Where the idea stands and what it links: the preview to try, its feedback round, its release. */
function StatusSection({ idea }: { idea: Idea }) {
  return (
    <Section title="Status">
      <Group gap="sm">
        <IdeaStatusBadge status={idea.status} />
        <Text size="sm" c="dimmed">
          since {formatDateTime(idea.statusChangedAt)}
        </Text>
      </Group>
      {idea.status === "declined" && idea.declineReason && (
        <Text>
          <strong>Why:</strong> {idea.declineReason}
        </Text>
      )}
      {idea.status === "in_preview" && idea.flag && (
        <Button
          component={Link}
          to={idea.flag.tryUrl}
          leftSection={<IconFlask size={18} aria-hidden />}
          w="fit-content"
        >
          Try it: {idea.flag.name}
        </Button>
      )}
      {idea.feedbackRound && (
        <Text>
          Feedback round:{" "}
          <Anchor component={Link} to={idea.feedbackRound.url}>
            {idea.feedbackRound.title}
          </Anchor>
        </Text>
      )}
      {idea.release && (
        <Text>
          Released in{" "}
          <Anchor component={Link} to={idea.release.url}>
            Convene {idea.release.version}
          </Anchor>
        </Text>
      )}
    </Section>
  );
}

function IdeaView({ idea }: { idea: Idea }) {
  const me = useSignedInMe();
  const refresh = useIdeaRefresh();
  return (
    <Page title={idea.title}>
      {idea.mergedInto && (
        <Alert color="blue" icon={<IconGitMerge aria-hidden />} title="Merged">
          This idea was merged into{" "}
          <Anchor component={Link} to={`/ideas/${idea.mergedInto.id}`}>
            {idea.mergedInto.title}
          </Anchor>
          ; vote and comment there. Its comments stay below.
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <Section
              title="The problem"
              description={`${ideaModuleLabels[idea.module]} · posted by ${idea.author.name} on ${formatDateTime(idea.createdAt)}`}
            >
              <ServerHtml html={idea.problemHtml} />
            </Section>
            <Section title={`Comments (${idea.comments.length})`}>
              {idea.comments.length === 0 ? (
                <Text size="sm">No comments yet.</Text>
              ) : (
                <Stack component="ol" gap="md" p={0} m={0} style={{ listStyle: "none" }}>
                  {idea.comments.map((comment) => (
                    <li key={comment.id} id={`comment-${comment.id}`}>
                      <Text size="sm" fw={600}>
                        {comment.author.name}{" "}
                        <Text span size="xs" c="dimmed" fw={400}>
                          {formatDateTime(comment.createdAt)}
                        </Text>
                      </Text>
                      <ServerHtml html={comment.bodyHtml} />
                    </li>
                  ))}
                </Stack>
              )}
              {!idea.mergedInto && <CommentForm idea={idea} />}
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <Section title="Votes">
              {idea.mergedInto ? (
                <Text size="sm">Its votes moved to the idea it was merged into.</Text>
              ) : (
                <VoteButton idea={idea} />
              )}
              {idea.votesByOrganisation.length > 0 && (
                <List size="sm" aria-label="Votes by organisation">
                  {idea.votesByOrganisation.map((organisation) => (
                    <List.Item key={organisation.id}>
                      {organisation.name}: {organisation.votes}
                    </List.Item>
                  ))}
                </List>
              )}
            </Section>
            <StatusSection idea={idea} />
            {(idea.tickets.length > 0 || me.isStaff) && (
              <Section title="Linked tickets">
                {idea.tickets.length === 0 ? (
                  <Text size="sm">No tickets linked.</Text>
                ) : (
                  <List size="sm" spacing="xs">
                    {idea.tickets.map((ticket) => (
                      <List.Item key={ticket.id}>
                        <Group gap="xs" wrap="nowrap">
                          <Anchor component={Link} to={ticket.url}>
                            #{ticket.number} {ticket.subject}
                          </Anchor>
                          {me.isStaff && (
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              aria-label={`Unlink ticket #${ticket.number}`}
                              onClick={() =>
                                void ideasApi
                                  .unlinkTicket(idea.id, ticket.id)
                                  .then(refresh)
                                  .catch((error: Error) => notifyFailure(error.message))
                              }
                            >
                              Unlink
                            </Button>
                          )}
                        </Group>
                      </List.Item>
                    ))}
                  </List>
                )}
              </Section>
            )}
            {idea.messages.length > 0 && <ChatEvidence messages={idea.messages} />}
            {idea.duplicates.length > 0 && (
              <Section title="Merged duplicates">
                <List size="sm">
                  {idea.duplicates.map((duplicate) => (
                    <List.Item key={duplicate.id}>
                      <Anchor component={Link} to={`/ideas/${duplicate.id}`}>
                        {duplicate.title}
                      </Anchor>
                    </List.Item>
                  ))}
                </List>
              </Section>
            )}
            {me.isStaff && <StaffPanel idea={idea} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Page>
  );
}

export function IdeaPage() {
  useIdeaEvents();
  const { id = "" } = useParams();
  const idea = useIdea(id);
  if (idea.isPending) return <PageLoader />;
  if (idea.isError) {
    const missing = isApiError(idea.error) && idea.error.status === 404;
    return (
      <Page title="Idea not available">
        <ErrorAlert error={missing ? "There is no such idea." : idea.error} />
      </Page>
    );
  }
  return <IdeaView idea={idea.data} />;
}
