import {
  Anchor,
  Button,
  Group,
  Modal,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Typography,
} from "@mantine/core";
import { hasLength, isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useMarkdownPreview } from "../../app/markdown-preview.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import {
  type Article,
  type ArticleAudience,
  type ArticleStatus,
  articlePath,
  type Category,
  editorPath,
  knowledgeApi,
  knowledgeKeys,
  useArticle,
  useArticleVersion,
  useArticleVersions,
  useCategories,
  useKnowledgeLive,
} from "./api.js";

type EditorValues = {
  title: string;
  body: string;
  categoryId: string;
  status: ArticleStatus;
  audience: ArticleAudience;
};

const valuesOf = (article: Article | null, categories: Category[]): EditorValues => ({
  title: article?.title ?? "",
  body: article?.body ?? "",
  categoryId: article?.category.id ?? categories[0]?.id ?? "",
  status: article?.status ?? "draft",
  audience: article?.audience ?? "members",
});

function MarkdownPreview({ markdown }: { markdown: string }) {
  const preview = useMarkdownPreview(markdown);
  const rendered = { __html: preview.html ?? "" };
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id="article-preview">
        Preview
      </Text>
      <ErrorAlert error={preview.error} />
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server's one renderer sanitised this HTML. */}
      <Typography aria-labelledby="article-preview" dangerouslySetInnerHTML={rendered} />
    </Stack>
  );
}

function ArticleForm({ article, categories }: { article: Article | null; categories: Category[] }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm<EditorValues>({
    initialValues: valuesOf(article, categories),
    validate: {
      title: hasLength({ min: 1, max: 200 }, "Give the article a title."),
      body: isNotEmpty("Write the article."),
      categoryId: isNotEmpty("Choose a category."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: EditorValues) =>
      article ? knowledgeApi.update(article.id, values) : knowledgeApi.create(values),
    {
      afterSuccess: "keep",
      onSuccess: async (saved) => {
        notifySuccess(`Saved as version ${saved.version}.`);
        queryClient.setQueryData(knowledgeKeys.article(saved.id), saved);
        await queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
        if (!article) navigate(editorPath(saved.id), { replace: true });
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label="Title" required {...form.getInputProps("title")} />
        <Select
          label="Category"
          required
          allowDeselect={false}
          data={categories.map((category) => ({ value: category.id, label: category.name }))}
          {...form.getInputProps("categoryId")}
        />
        <Radio.Group label="Who reads it" {...form.getInputProps("audience")}>
          <Group mt={4}>
            <Radio value="members" label="Every signed-in member" />
            <Radio value="staff" label="The product team only" />
          </Group>
        </Radio.Group>
        <Radio.Group label="Status" {...form.getInputProps("status")}>
          <Group mt={4}>
            <Radio value="draft" label="Draft" />
            <Radio value="published" label="Published" />
          </Group>
        </Radio.Group>
        <Textarea
          label="Article"
          description="Markdown: **bold**, lists, `code`, links. Every save is kept as a version."
          autosize
          minRows={10}
          required
          {...form.getInputProps("body")}
        />
        <MarkdownPreview markdown={form.values.body} />
        <Group>
          <Button type="submit" loading={pending}>
            {article ? "Save as a new version" : "Save"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function VersionDialog({
  articleId,
  number,
  onClose,
}: {
  articleId: string;
  number: number | null;
  onClose: () => void;
}) {
  const version = useArticleVersion(articleId, number);
  const rendered = { __html: version.data?.html ?? "" };
  return (
    <Modal opened={number !== null} onClose={onClose} title={`Version ${number ?? ""}`} size="lg">
      {version.isPending ? (
        <PageLoader />
      ) : version.isError ? (
        <ErrorAlert error={version.error} />
      ) : (
        <Stack>
          <Text fw={600}>{version.data.title}</Text>
          <Text size="sm" c="dimmed">
            Saved by {version.data.savedBy}, {formatDateTime(version.data.savedAt)} ·{" "}
            {version.data.status === "draft" ? "Draft" : "Published"} ·{" "}
            {version.data.audience === "staff" ? "Staff only" : "Members"}
          </Text>
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server's one renderer sanitised this HTML. */}
          <Typography dangerouslySetInnerHTML={rendered} />
        </Stack>
      )}
    </Modal>
  );
}

function VersionHistory({ articleId }: { articleId: string }) {
  const versions = useArticleVersions(articleId);
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Section title="Version history" description="Every save, newest first.">
      {versions.isPending ? (
        <PageLoader />
      ) : versions.isError ? (
        <ErrorAlert error={versions.error} />
      ) : (
        <Stack gap="xs" component="ol" m={0} p={0} style={{ listStyle: "none" }}>
          {versions.data.map((version) => (
            <Group key={version.number} component="li" justify="space-between" wrap="nowrap" gap="xs">
              <div>
                <Text size="sm" fw={600}>
                  {version.number}. {version.title}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(version.savedAt)} by {version.savedBy} ·{" "}
                  {version.status === "draft" ? "Draft" : "Published"}
                  {version.audience === "staff" ? ", staff only" : ""}
                </Text>
              </div>
              <Button size="compact-sm" variant="subtle" onClick={() => setOpen(version.number)}>
                View version {version.number}
              </Button>
            </Group>
          ))}
        </Stack>
      )}
      <VersionDialog articleId={articleId} number={open} onClose={() => setOpen(null)} />
    </Section>
  );
}

/** `/help/articles/new` and `/help/articles/:id/edit`: the product team writes and publishes articles. */
export function ArticleEditorPage() {
  useKnowledgeLive();
  const { id } = useParams();
  const categories = useCategories();
  const article = useArticle(id);
  const loadingArticle = id !== undefined && article.isPending;
  if (categories.isPending || loadingArticle) return <PageLoader />;
  if (categories.isError) return <ErrorAlert error={categories.error} />;
  if (id !== undefined && article.isError) {
    const missing = isApiError(article.error) && article.error.status === 404;
    return (
      <Page title="Article not found" size="md">
        <ErrorAlert error={missing ? "There is no help article here." : article.error} />
      </Page>
    );
  }
  const existing = id !== undefined ? (article.data ?? null) : null;
  const back = (
    <Anchor component={Link} to={existing ? articlePath(existing.id) : "/help"} size="sm">
      {existing ? "View the article" : "All help articles"}
    </Anchor>
  );
  return (
    <Page title={existing ? `Edit “${existing.title}”` : "New help article"} size="md" actions={back}>
      {categories.data.length === 0 ? (
        <ErrorAlert error="Add a category on the help articles page first." />
      ) : (
        <ArticleForm key={existing?.id ?? "new"} article={existing} categories={categories.data} />
      )}
      {existing && <VersionHistory articleId={existing.id} />}
    </Page>
  );
}
