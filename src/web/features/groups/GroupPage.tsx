import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Modal,
  Group as Row,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { AttachFiles } from "./AttachFiles.js";
import { GroupFrame } from "./GroupFrame.js";
import {
  type DeliveryMode,
  deliveryOptions,
  type Group,
  groupsApi,
  type TopicSummary,
  useGroupMutation,
  useGroupsRefresh,
  useHashtag,
  useTopics,
} from "./groups-api.js";
import { SearchMessages } from "./SearchMessages.js";

/** A member's posts wait for a moderator under these policies; the member is told before posting. */
export function postingNotice(group: Group): string | null {
  if (group.canModerate) return null;
  if (group.postingPolicy === "announce_only") return "Only the group's owners and moderators post here.";
  if (group.postingPolicy === "moderated") return "Every post waits for a moderator's approval.";
  if (group.postingPolicy === "new_members_moderated" && group.myMembership?.moderated)
    return "As a new member, your posts wait for a moderator until one is approved.";
  return null;
}

/** Joining, leaving, a waiting request, and how this member receives the group's mail. */
function Membership({ group }: { group: Group }) {
  const join = useGroupMutation(() => groupsApi.join(group.handle));
  const leave = useGroupMutation(() => groupsApi.leave(group.handle));
  const delivery = useGroupMutation((mode: DeliveryMode) => groupsApi.setDelivery(group.handle, mode));
  const membership = group.myMembership;
  const status = membership?.status;
  if (status === "banned")
    return (
      <Alert color="red" variant="light" title="You are banned from this group">
        {membership?.statusReason ?? "The owners gave no reason."}
      </Alert>
    );
  if (status === "pending") return <Text size="sm">Your request to join is waiting for a moderator.</Text>;
  if (status === "active")
    return (
      <Stack gap="sm">
        <Select
          label="E-mail delivery"
          description={`Messages come from ${group.address}; write to it to start a topic.`}
          data={deliveryOptions}
          value={membership?.delivery ?? "all"}
          allowDeselect={false}
          onChange={(mode) =>
            mode &&
            delivery.mutate(mode as DeliveryMode, {
              onSuccess: () => notifySuccess("Delivery choice saved."),
            })
          }
        />
        <Row justify="flex-end">
          <Button
            variant="default"
            size="xs"
            loading={leave.isPending}
            onClick={() => leave.mutate(undefined)}
          >
            Leave the group
          </Button>
        </Row>
      </Stack>
    );
  if (status !== "invited" && group.joinPolicy === "invitation")
    return <Text size="sm">This group is by invitation only; its owners and moderators invite people.</Text>;
  const label =
    status === "invited"
      ? "Accept the invitation"
      : group.joinPolicy === "approval"
        ? "Ask to join"
        : "Join the group";
  return (
    <Button loading={join.isPending} onClick={() => join.mutate(undefined)}>
      {label}
    </Button>
  );
}

function TopicTable({ group, topics }: { group: Group; topics: TopicSummary[] }) {
  if (topics.length === 0) return <Text c="dimmed">No topics yet. Start the first one.</Text>;
  return (
    <Table verticalSpacing="xs" highlightOnHover data-testid="topic-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Topic</Table.Th>
          <Table.Th>Messages</Table.Th>
          <Table.Th>Latest</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {topics.map((topic) => (
          <Table.Tr key={topic.id} data-testid="topic-row">
            <Table.Td>
              <Row gap="xs">
                {topic.pinned && (
                  <Badge size="xs" color="orange" variant="light">
                    Pinned
                  </Badge>
                )}
                {topic.locked && (
                  <Badge size="xs" color="gray" variant="light">
                    Locked
                  </Badge>
                )}
                <Anchor component={Link} to={`/groups/${group.handle}/topics/${topic.id}`} fw={500}>
                  {topic.subject}
                </Anchor>
              </Row>
              <Text size="xs" c="dimmed">
                Started by {topic.author.name}
                {topic.author.organisationName ? ` · ${topic.author.organisationName}` : ""}
              </Text>
            </Table.Td>
            <Table.Td>{topic.messageCount}</Table.Td>
            <Table.Td>
              <Text size="sm">{formatDateTime(topic.lastMessageAt)}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The published messages carrying one #hashtag, each linking to its topic. */
function HashtagResults({ group, tag }: { group: Group; tag: string }) {
  const messages = useHashtag(group.handle, tag);
  if (messages.isPending) return <PageLoader />;
  if (messages.isError) return <ErrorAlert error={messages.error} />;
  if (messages.data.length === 0) return <Text c="dimmed">No message carries #{tag}.</Text>;
  return (
    <Stack gap="sm" data-testid="hashtag-results">
      {messages.data.map((message) => (
        <Stack key={message.id} gap={2}>
          <Row gap="xs">
            <Anchor
              component={Link}
              to={`/groups/${group.handle}/topics/${message.topicId}`}
              size="sm"
              fw={500}
            >
              {message.topicSubject}
            </Anchor>
            <Text size="xs" c="dimmed">
              {message.author.name} · {formatDateTime(message.createdAt)}
            </Text>
          </Row>
          <ServerHtml html={message.bodyHtml} />
        </Stack>
      ))}
    </Stack>
  );
}

type TopicValues = { subject: string; body: string };

function NewTopicForm({ group, onStarted }: { group: Group; onStarted: (topicId: string) => void }) {
  const refresh = useGroupsRefresh();
  const [files, setFiles] = useState<File[]>([]);
  const form = useForm<TopicValues>({
    initialValues: { subject: "", body: "" },
    validate: {
      subject: isNotEmpty("Give the topic a subject."),
      body: isNotEmpty("Write the first message."),
    },
  });
  const notice = postingNotice(group);
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: TopicValues) => groupsApi.startTopic(group.handle, values, files),
    {
      onSuccess: (posted) => {
        notifySuccess(
          posted.status === "pending" ? "Your topic waits for a moderator's approval." : "Topic started.",
        );
        void refresh();
        onStarted(posted.message.topicId);
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        {notice && (
          <Alert color="yellow" variant="light">
            {notice}
          </Alert>
        )}
        <TextInput label="Subject" required {...form.getInputProps("subject")} />
        <Textarea
          label="Message"
          description="Markdown is supported; #hashtags make the message easy to find."
          autosize
          minRows={5}
          required
          {...form.getInputProps("body")}
        />
        <Row justify="space-between">
          <AttachFiles files={files} onChange={setFiles} />
          <Button type="submit" loading={pending}>
            Start topic
          </Button>
        </Row>
      </Stack>
    </form>
  );
}

function GroupHome({ group }: { group: Group }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tag = params.get("tag");
  const [tagInput, setTagInput] = useState(tag ?? "");
  const [starting, setStarting] = useState(false);
  const topics = useTopics(group.handle, group.canRead);
  const mayStart =
    group.myMembership?.status === "active" && (group.postingPolicy !== "announce_only" || group.canModerate);
  const browse = (value: string) => {
    const cleaned = value.trim().replace(/^#/, "").toLowerCase();
    setParams(cleaned ? { tag: cleaned } : {});
  };
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack>
          {tag && (
            <Section
              title={`#${tag}`}
              actions={
                <Button size="xs" variant="default" onClick={() => browse("")}>
                  Clear
                </Button>
              }
            >
              <HashtagResults group={group} tag={tag} />
            </Section>
          )}
          <Section
            title="Topics"
            description="Pinned topics first, then the most recently active."
            actions={mayStart && <Button onClick={() => setStarting(true)}>New topic</Button>}
          >
            {!group.canRead ? (
              <Text c="dimmed">Join the group to read its topics.</Text>
            ) : topics.isPending ? (
              <PageLoader />
            ) : topics.isError ? (
              <ErrorAlert error={topics.error} />
            ) : (
              <TopicTable group={group} topics={topics.data} />
            )}
          </Section>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack>
          <Section title="Membership">
            <Membership group={group} />
          </Section>
          <Section title="About">
            {group.descriptionHtml ? (
              <ServerHtml html={group.descriptionHtml} />
            ) : (
              <Text c="dimmed">No description.</Text>
            )}
            {group.guidelinesHtml && (
              <Stack gap={4}>
                <Text fw={600} size="sm">
                  Guidelines
                </Text>
                <ServerHtml html={group.guidelinesHtml} />
              </Stack>
            )}
            <Text size="xs" c="dimmed">
              {group.memberCount === 1 ? "1 member" : `${group.memberCount} members`}
            </Text>
          </Section>
          {group.canRead && (
            <Section title="Search">
              <SearchMessages handle={group.handle} />
            </Section>
          )}
          {group.canRead && (
            <Section title="Browse by hashtag">
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  browse(tagInput);
                }}
              >
                <Row gap="xs" align="flex-end">
                  <TextInput
                    label="Hashtag"
                    placeholder="#monitoring"
                    value={tagInput}
                    onChange={(event) => setTagInput(event.currentTarget.value)}
                    style={{ flex: 1 }}
                  />
                  <Button type="submit" variant="default">
                    Browse
                  </Button>
                </Row>
              </form>
            </Section>
          )}
        </Stack>
      </Grid.Col>
      <Modal opened={starting} onClose={() => setStarting(false)} title="New topic" size="lg">
        <NewTopicForm
          group={group}
          onStarted={(topicId) => navigate(`/groups/${group.handle}/topics/${topicId}`)}
        />
      </Modal>
    </Grid>
  );
}

/** `/groups/:handle`: the group's topics, membership and delivery choice, and hashtag browsing. */
export function GroupPage() {
  const { handle = "" } = useParams();
  return (
    <GroupFrame handle={handle} tab="topics">
      {(group) => <GroupHome group={group} />}
    </GroupFrame>
  );
}
