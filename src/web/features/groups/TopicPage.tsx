import { Alert, Anchor, Badge, Button, Paper, Group as Row, Stack, Text, Textarea } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { formatBytes, formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { useRevealElement } from "../../app/scroll-to-hash.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { DraftArticleButton } from "../knowledge/DraftArticleButton.js";
import { AttachFiles } from "./AttachFiles.js";
import { GroupFrame } from "./GroupFrame.js";
import { postingNotice } from "./GroupPage.js";
import {
  type Group,
  type GroupMessage,
  groupsApi,
  type Topic,
  useGroupMutation,
  useGroupsRefresh,
  useTopic,
} from "./groups-api.js";

function MessageCard({ group, message }: { group: Group; message: GroupMessage }) {
  const me = useSignedInMe();
  const mine = message.author.id === me.id;
  return (
    <Paper
      withBorder
      p="md"
      id={`message-${message.id}`}
      data-testid="group-message"
      data-status={message.status}
    >
      <Stack gap="xs">
        <Row gap={6}>
          <Text size="sm" fw={500}>
            {message.author.name}
          </Text>
          <Text size="xs" c="dimmed">
            {message.author.organisationName} · {formatDateTime(message.createdAt)}
            {message.source === "email" ? " · by e-mail" : ""}
          </Text>
          {message.status === "pending" && (
            <Badge size="sm" color="yellow" variant="light">
              {mine ? "Waiting for approval" : "Pending"}
            </Badge>
          )}
          {message.status === "rejected" && (
            <Badge size="sm" color="red" variant="light">
              Rejected
            </Badge>
          )}
        </Row>
        <ServerHtml html={message.bodyHtml} />
        {message.rejectionReason && (
          <Text size="xs" c="red">
            Rejected: {message.rejectionReason}
          </Text>
        )}
        {message.attachments.length > 0 && (
          <Stack gap={2}>
            {message.attachments.map((attachment) => (
              <Anchor key={attachment.id} href={attachment.url} size="sm">
                {attachment.filename} ({formatBytes(attachment.size)})
              </Anchor>
            ))}
          </Stack>
        )}
        {message.hashtags.length > 0 && (
          <Row gap={4}>
            {message.hashtags.map((tag) => (
              <Anchor
                key={tag}
                component={Link}
                to={`/groups/${group.handle}?tag=${encodeURIComponent(tag)}`}
                size="xs"
              >
                #{tag}
              </Anchor>
            ))}
          </Row>
        )}
        {me.isStaff && message.status === "published" && (
          <Row justify="flex-end">
            <DraftArticleButton kind="group_message" id={message.id} />
          </Row>
        )}
      </Stack>
    </Paper>
  );
}

function ReplyForm({ group, topic }: { group: Group; topic: Topic }) {
  const refresh = useGroupsRefresh();
  const [files, setFiles] = useState<File[]>([]);
  const form = useForm({ initialValues: { body: "" }, validate: { body: isNotEmpty("Write your reply.") } });
  const notice = postingNotice(group);
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: { body: string }) => groupsApi.reply(group.handle, topic.id, values, files),
    {
      onSuccess: (posted) => {
        setFiles([]);
        notifySuccess(
          posted.status === "pending" ? "Your reply waits for a moderator's approval." : "Replied.",
        );
        return refresh();
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        {notice && (
          <Alert color="yellow" variant="light">
            {notice}
          </Alert>
        )}
        <Textarea
          label="Your reply"
          description="Markdown is supported; #hashtags make it easy to find."
          autosize
          minRows={3}
          required
          {...form.getInputProps("body")}
        />
        <Row justify="space-between">
          <AttachFiles files={files} onChange={setFiles} />
          <Button type="submit" loading={pending}>
            Reply
          </Button>
        </Row>
      </Stack>
    </form>
  );
}

/** Moderators pin, lock and delete a topic; deleting hides it, it is never erased. */
function TopicTools({ group, topic }: { group: Group; topic: Topic }) {
  const navigate = useNavigate();
  const pin = useGroupMutation((pinned: boolean) =>
    groupsApi.changeTopic(group.handle, topic.id, { pinned }),
  );
  const lock = useGroupMutation((locked: boolean) =>
    groupsApi.changeTopic(group.handle, topic.id, { locked }),
  );
  const remove = useGroupMutation(() => groupsApi.removeTopic(group.handle, topic.id));
  return (
    <Row gap="xs">
      <Button size="xs" variant="default" loading={pin.isPending} onClick={() => pin.mutate(!topic.pinned)}>
        {topic.pinned ? "Unpin" : "Pin"}
      </Button>
      <Button size="xs" variant="default" loading={lock.isPending} onClick={() => lock.mutate(!topic.locked)}>
        {topic.locked ? "Unlock" : "Lock"}
      </Button>
      <Button
        size="xs"
        color="red"
        variant="light"
        loading={remove.isPending}
        onClick={() => {
          if (!window.confirm(`Delete the topic "${topic.subject}"? Members no longer see it.`)) return;
          remove.mutate(undefined, {
            onSuccess: () => {
              notifySuccess("Topic deleted.");
              navigate(`/groups/${group.handle}`);
            },
          });
        }}
      >
        Delete topic
      </Button>
    </Row>
  );
}

function TopicView({ group, topicId }: { group: Group; topicId: string }) {
  const topic = useTopic(group.handle, topicId);
  // A notification's link names the message (`?message=`): shown in view and focused once loaded.
  const linkedMessageId = useSearchParams()[0].get("message");
  useRevealElement(linkedMessageId && topic.isSuccess ? `message-${linkedMessageId}` : null);
  if (topic.isPending) return <PageLoader />;
  if (topic.isError) return <ErrorAlert error={topic.error} />;
  const shown = topic.data;
  const mayReply =
    group.myMembership?.status === "active" &&
    (!shown.locked || group.canModerate) &&
    (group.postingPolicy !== "announce_only" || group.canModerate);
  return (
    <Stack>
      <Row justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Row gap="xs">
            <Text fw={600} size="lg" data-testid="topic-subject">
              {shown.subject}
            </Text>
            {shown.pinned && (
              <Badge size="sm" color="orange" variant="light">
                Pinned
              </Badge>
            )}
            {shown.locked && (
              <Badge size="sm" color="gray" variant="light">
                Locked
              </Badge>
            )}
          </Row>
          <Anchor component={Link} to={`/groups/${group.handle}`} size="sm">
            All topics
          </Anchor>
        </Stack>
        {group.canModerate && <TopicTools group={group} topic={shown} />}
      </Row>
      {shown.messages.map((message) => (
        <MessageCard key={message.id} group={group} message={message} />
      ))}
      {mayReply ? (
        <Section title="Reply">
          <ReplyForm group={group} topic={shown} />
        </Section>
      ) : shown.locked ? (
        <Text c="dimmed">This topic is locked: no new replies.</Text>
      ) : null}
    </Stack>
  );
}

/** `/groups/:handle/topics/:topicId`: one topic's messages, the viewer's own pending ones marked. */
export function TopicPage() {
  const { handle = "", topicId = "" } = useParams();
  return (
    <GroupFrame handle={handle} tab="topics">
      {(group) => <TopicView group={group} topicId={topicId} />}
    </GroupFrame>
  );
}
