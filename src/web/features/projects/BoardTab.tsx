import {
  Anchor,
  Badge,
  Button,
  FileButton,
  Group,
  Modal,
  Paper,
  Pill,
  Select,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from "@mantine/core";
import { isNotEmpty, type UseFormReturnType, useForm } from "@mantine/form";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { formatBytes, formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { useRevealElement } from "../../app/scroll-to-hash.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { StaffBadge } from "../../app/ui/StaffBadge.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { MentionTextarea } from "./MentionTextarea.js";
import {
  type ItemVisibility,
  type Post,
  type PostCategory,
  type PostSummary,
  type Project,
  postCategoryLabels,
  postCategoryOptions,
  projectsApi,
  usePost,
  usePosts,
  useProjectMutation,
  useProjectsRefresh,
} from "./projects-api.js";

const visibilityOptions = [
  { value: "project", label: "Everyone in the project" },
  { value: "staff", label: "Product team only" },
];

function StaffOnlyBadge({ visibility }: { visibility: ItemVisibility }) {
  if (visibility !== "staff") return null;
  return (
    <Badge size="sm" color="yellow" variant="light">
      Product team only
    </Badge>
  );
}

function Author({ author, at }: { author: Post["author"]; at: string }) {
  return (
    <Group gap={6}>
      <Text size="sm" fw={500}>
        {author.name}
      </Text>
      {author.isStaff && <StaffBadge />}
      <Text size="xs" c="dimmed">
        {author.organisationName} · {formatDateTime(at)}
      </Text>
    </Group>
  );
}

type PostValues = { category: PostCategory | ""; title: string; body: string; visibility: ItemVisibility };

const validatePost = {
  category: isNotEmpty("Choose a category."),
  title: isNotEmpty("Give the post a title."),
  body: isNotEmpty("Write the post."),
};

/** What a post is made of, the same when writing and editing; only the product team chooses who sees it. */
function PostFields({
  form,
  choosesVisibility,
}: {
  form: UseFormReturnType<PostValues>;
  choosesVisibility: boolean;
}) {
  return (
    <>
      <Group grow align="flex-start">
        <Select
          label="Category"
          data={postCategoryOptions}
          allowDeselect={false}
          required
          {...form.getInputProps("category")}
        />
        {choosesVisibility && (
          <Select
            label="Visible to"
            data={visibilityOptions}
            allowDeselect={false}
            {...form.getInputProps("visibility")}
          />
        )}
      </Group>
      <TextInput label="Title" required {...form.getInputProps("title")} />
      <MentionTextarea
        label="Post"
        description="Markdown is supported. Type @ to mention someone; they are told by e-mail."
        minRows={5}
        value={form.values.body}
        onChange={(body) => form.setFieldValue("body", body)}
        error={form.errors.body}
      />
    </>
  );
}

/** A new post, with any files attached in the same request. */
function NewPostForm({ project, onPosted }: { project: Project; onPosted: (post: Post) => void }) {
  const me = useSignedInMe();
  const refresh = useProjectsRefresh();
  const [files, setFiles] = useState<File[]>([]);
  const form = useForm<PostValues>({
    initialValues: { category: "question", title: "", body: "", visibility: "project" },
    validate: validatePost,
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: PostValues) =>
      projectsApi.createPost(
        project.id,
        {
          category: values.category as PostCategory,
          title: values.title,
          body: values.body,
          ...(me.isStaff ? { visibility: values.visibility } : {}),
        },
        files,
      ),
    {
      onSuccess: (post: Post) => {
        notifySuccess("Posted.");
        void refresh();
        onPosted(post);
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <PostFields form={form} choosesVisibility={me.isStaff} />
        <Group gap={4}>
          {files.map((file) => (
            <Pill
              key={`${file.name}-${file.size}`}
              withRemoveButton
              onRemove={() => setFiles((current) => current.filter((chosen) => chosen !== file))}
              removeButtonProps={{ "aria-label": `Remove ${file.name}` }}
            >
              {file.name}
            </Pill>
          ))}
        </Group>
        <Group justify="space-between">
          <FileButton onChange={(chosen) => setFiles((current) => [...current, ...chosen])} multiple>
            {(props) => (
              <Button {...props} variant="default" size="xs">
                Attach files
              </Button>
            )}
          </FileButton>
          <Button type="submit" loading={pending}>
            Post
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Changes a post's category, title and text (and, for the product team, who sees it). */
function EditPostForm({ project, post, onDone }: { project: Project; post: Post; onDone: () => void }) {
  const me = useSignedInMe();
  const refresh = useProjectsRefresh();
  const form = useForm<PostValues>({
    initialValues: {
      category: post.category,
      title: post.title,
      body: post.body,
      visibility: post.visibility,
    },
    validate: validatePost,
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: PostValues) =>
      projectsApi.updatePost(project.id, post.id, {
        category: values.category as PostCategory,
        title: values.title,
        body: values.body,
        ...(me.isStaff ? { visibility: values.visibility } : {}),
      }),
    {
      onSuccess: () => {
        notifySuccess("Post updated.");
        void refresh();
        onDone();
      },
      afterSuccess: "keep",
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <PostFields form={form} choosesVisibility={me.isStaff} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CommentForm({ project, post }: { project: Project; post: Post }) {
  const refresh = useProjectsRefresh();
  const form = useForm({ initialValues: { body: "" }, validate: { body: isNotEmpty("Write a comment.") } });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: { body: string }) => projectsApi.comment(project.id, post.id, values),
    {
      onSuccess: () => {
        return refresh();
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <MentionTextarea
          label="Your comment"
          description="Markdown is supported. Type @ to mention someone."
          minRows={3}
          value={form.values.body}
          onChange={(body) => form.setFieldValue("body", body)}
          error={form.errors.body}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            Comment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Following a post: subscribed people are told of every new comment, muted ones are not. */
function SubscriptionToggle({ project, post }: { project: Project; post: Post }) {
  const change = useProjectMutation((state: "subscribed" | "muted") =>
    projectsApi.subscribe(project.id, post.id, state),
  );
  const subscribed = post.mySubscription === "subscribed";
  return (
    <Group gap="xs">
      <Text size="xs" c="dimmed">
        {subscribed
          ? "You are told of new comments."
          : post.mySubscription === "muted"
            ? "Muted: you are not told of new comments."
            : "You are not following this post."}
      </Text>
      <Button
        size="xs"
        variant="default"
        loading={change.isPending}
        onClick={() => change.mutate(subscribed ? "muted" : "subscribed")}
      >
        {subscribed ? "Mute" : "Subscribe"}
      </Button>
    </Group>
  );
}

function PostDetail({ project, postId, onShown }: { project: Project; postId: string; onShown: () => void }) {
  const post = usePost(project.id, postId);
  const [editing, setEditing] = useState(false);
  const loaded = post.isSuccess;
  useEffect(() => {
    if (loaded) onShown();
  }, [loaded, onShown]);
  if (post.isPending) return <PageLoader />;
  if (post.isError) return <ErrorAlert error={post.error} />;
  const shown = post.data;
  const writable = project.status === "active";
  return (
    <Stack gap="md" data-testid="post">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <Badge variant="light">{postCategoryLabels[shown.category]}</Badge>
            <StaffOnlyBadge visibility={shown.visibility} />
          </Group>
          <Text fw={600} size="lg">
            {shown.title}
          </Text>
          <Author author={shown.author} at={shown.createdAt} />
        </Stack>
        {writable && (
          <Group gap="xs">
            {shown.canEdit && (
              <Button size="xs" variant="default" onClick={() => setEditing(true)}>
                Edit
              </Button>
            )}
            <SubscriptionToggle project={project} post={shown} />
          </Group>
        )}
      </Group>
      {shown.editedAt && (
        <Text size="xs" c="dimmed">
          Edited {formatDateTime(shown.editedAt)}
        </Text>
      )}
      <Modal opened={editing} onClose={() => setEditing(false)} title="Edit post" size="lg">
        <EditPostForm project={project} post={shown} onDone={() => setEditing(false)} />
      </Modal>
      <ServerHtml html={shown.bodyHtml} />
      {shown.attachments.length > 0 && (
        <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: "none" }}>
          {shown.attachments.map((attachment) => (
            <li key={attachment.id}>
              <Anchor href={attachment.url} size="sm" download={attachment.filename}>
                {attachment.filename}
              </Anchor>{" "}
              <Text span size="xs" c="dimmed">
                {formatBytes(attachment.size)}
              </Text>
            </li>
          ))}
        </Stack>
      )}
      <Text fw={600} size="sm">
        {shown.comments.length === 1 ? "1 comment" : `${shown.comments.length} comments`}
      </Text>
      <Stack gap="sm">
        {shown.comments.map((comment) => (
          <Paper
            key={comment.id}
            id={`comment-${comment.id}`}
            withBorder
            p="sm"
            data-testid="project-comment"
          >
            <Author author={comment.author} at={comment.createdAt} />
            <ServerHtml html={comment.bodyHtml} />
          </Paper>
        ))}
      </Stack>
      {writable && <CommentForm project={project} post={shown} />}
    </Stack>
  );
}

function PostRow({ post, onOpen, selected }: { post: PostSummary; onOpen: () => void; selected: boolean }) {
  return (
    <UnstyledButton onClick={onOpen} aria-current={selected || undefined} data-testid="post-row">
      <Paper withBorder p="sm" bg={selected ? "var(--mantine-color-blue-light)" : undefined}>
        <Group gap="xs">
          <Badge size="sm" variant="light">
            {postCategoryLabels[post.category]}
          </Badge>
          <StaffOnlyBadge visibility={post.visibility} />
        </Group>
        <Text fw={500} mt={4}>
          {post.title}
        </Text>
        <Text size="xs" c="dimmed">
          {post.author.name} · {post.commentCount === 1 ? "1 comment" : `${post.commentCount} comments`}
          {post.attachmentCount > 0 && ` · ${post.attachmentCount} files`} ·{" "}
          {formatDateTime(post.lastActivityAt)}
        </Text>
      </Paper>
    </UnstyledButton>
  );
}

/**
 * The message board: posts by category, newest activity first; the open post lives in `?post=`, and
 * a link to one of its comments (a notification's) adds `&comment=`.
 */
export function BoardTab({ project }: { project: Project }) {
  const [params, setParams] = useSearchParams();
  const [category, setCategory] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);
  const posts = usePosts(project.id, category ?? "");
  const openPostId = params.get("post");
  const linkedCommentId = openPostId && params.get("comment");
  // On a phone the list is above the post: what is revealed is looked for once the list is in place.
  const listPlaced = !posts.isPending;
  useRevealElement(linkedCommentId && listPlaced ? `comment-${linkedCommentId}` : null);
  const postList = useRef<HTMLDivElement>(null);
  const postDetail = useRef<HTMLDivElement>(null);
  // A link to a post (not to a comment, which is revealed itself) brings the post to the reader too.
  const revealWhenShown = useRef(Boolean(openPostId) && !linkedCommentId);
  const openPost = (postId: string) => setParams({ post: postId });
  const showPost = (postId: string) => {
    revealWhenShown.current = true;
    openPost(postId);
  };
  // On a phone a tapped post opens below the whole list, out of sight: once it has loaded (and the
  // page is tall enough to scroll to it), bring it to the reader. Side by side it is already in view.
  // A new callback once the list is placed makes the shown post call it again.
  const revealPost = useCallback(() => {
    const detail = postDetail.current;
    if (!listPlaced || !revealWhenShown.current || !detail || !postList.current) return;
    revealWhenShown.current = false;
    if (detail.offsetTop > postList.current.offsetTop) detail.scrollIntoView({ block: "start" });
  }, [listPlaced]);
  return (
    <Group align="flex-start" gap="lg" wrap="wrap">
      <Stack ref={postList} gap="sm" style={{ flex: "1 1 320px", maxWidth: 460 }}>
        <Group justify="space-between" align="flex-end">
          <Select
            label="Category"
            placeholder="All"
            data={postCategoryOptions}
            value={category}
            onChange={setCategory}
            clearable
            w={180}
          />
          {project.status === "active" && <Button onClick={() => setWriting(true)}>New post</Button>}
        </Group>
        {posts.isPending ? (
          <PageLoader />
        ) : posts.isError ? (
          <ErrorAlert error={posts.error} />
        ) : posts.data.length === 0 ? (
          <Text c="dimmed">
            {category
              ? "No post in this category."
              : "No posts yet. Ask a question or share news with New post."}
          </Text>
        ) : (
          posts.data.map((post) => (
            <PostRow
              key={post.id}
              post={post}
              selected={post.id === openPostId}
              onOpen={() => showPost(post.id)}
            />
          ))
        )}
      </Stack>
      <Paper
        ref={postDetail}
        withBorder
        p="lg"
        data-testid="post-detail"
        // Scrolled to on a phone: its top stops below the fixed header, not under it.
        style={{ flex: "2 1 420px", scrollMarginTop: "calc(var(--app-shell-header-offset, 0rem) + 1rem)" }}
      >
        {openPostId ? (
          <PostDetail key={openPostId} project={project} postId={openPostId} onShown={revealPost} />
        ) : (
          <Text c="dimmed">Choose a post to read it and its comments.</Text>
        )}
      </Paper>
      <Modal opened={writing} onClose={() => setWriting(false)} title="New post" size="lg">
        <NewPostForm
          project={project}
          onPosted={(post) => {
            setWriting(false);
            openPost(post.id);
          }}
        />
      </Modal>
    </Group>
  );
}
