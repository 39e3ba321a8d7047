import { Alert, Anchor, Button, Group, Paper, Stack, Text, Typography } from "@mantine/core";
import { IconCircleCheck, IconPencil } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { formatDate } from "../../app/format.js";
import { useSignedInMe } from "../../app/gates.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { discardTicketDraft } from "../desk/ticket-draft.js";
import { ArticleBadges } from "./ArticleBadges.js";
import {
  type Article,
  editorPath,
  knowledgeApi,
  knowledgeKeys,
  useArticle,
  useKnowledgeLive,
} from "./api.js";

/** The body as the server rendered and sanitised it; the server is the only Markdown renderer. */
function ArticleBody({ html }: { html: string }) {
  const rendered = { __html: html };
  // biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitises this HTML.
  return <Typography dangerouslySetInnerHTML={rendered} />;
}

/**
 * Under an article opened from a suggestion while writing a ticket: saying it answered the question
 * counts the deflection and ends that ticket, whose draft is discarded unsent.
 */
function DidThisAnswer({ article }: { article: Article }) {
  const queryClient = useQueryClient();
  const viewed = useRef(false);
  useEffect(() => {
    if (viewed.current) return;
    viewed.current = true;
    void knowledgeApi.recordSuggestionView(article.id);
  }, [article.id]);
  const answered = useMutation({
    mutationFn: () => knowledgeApi.recordAnswered(article.id),
    onSuccess: async () => {
      discardTicketDraft();
      await queryClient.invalidateQueries({ queryKey: knowledgeKeys.article(article.id) });
    },
  });
  if (answered.isSuccess) {
    return (
      <Alert
        color="green"
        icon={<IconCircleCheck aria-hidden />}
        title="Your question is answered"
        role="status"
      >
        <Stack gap="xs">
          <Text size="sm">Good to hear. Your ticket was not sent, and its draft is gone.</Text>
          <Anchor component={Link} to="/desk" size="sm">
            Back to the service desk
          </Anchor>
        </Stack>
      </Alert>
    );
  }
  if (article.answeredByMe) {
    return (
      <Text size="sm" c="dimmed">
        You said this article answered your question.{" "}
        <Anchor component={Link} to="/desk/new" size="sm">
          Write a ticket anyway
        </Anchor>
      </Text>
    );
  }
  return (
    <Paper withBorder p="md" bg="blue.0">
      <Stack gap="xs">
        <Text fw={600}>Did this answer the question you were writing a ticket about?</Text>
        <ErrorAlert error={answered.error} />
        <Group gap="sm">
          <Button loading={answered.isPending} onClick={() => answered.mutate()}>
            This answered my question
          </Button>
          <Button component={Link} to="/desk/new" variant="default">
            Back to my ticket
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** What the product team sees of an article that customers do not: where it came from and how it does. */
function StaffFacts({ article }: { article: Article }) {
  return (
    <Paper withBorder p="md" component="aside" aria-label="For the product team">
      <Stack gap={4}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Version {article.version}
          </Text>
          <ArticleBadges article={article} />
        </Group>
        {article.outcomes && (
          <Text size="sm">
            Opened from ticket suggestions: {article.outcomes.suggestionViews} · Answered the question:{" "}
            {article.outcomes.answered}
          </Text>
        )}
        {article.source && (
          <Anchor component={Link} to={article.source.path} size="sm">
            {article.source.label}
          </Anchor>
        )}
      </Stack>
    </Paper>
  );
}

/** `/help/articles/:id`: one help article; `?from=suggestion` when reached while writing a ticket. */
export function ArticlePage() {
  const me = useSignedInMe();
  useKnowledgeLive();
  const { id = "" } = useParams();
  const [searchParams] = useSearchParams();
  const fromSuggestion = searchParams.get("from") === "suggestion";
  const article = useArticle(id);
  const back = (
    <Group gap="sm">
      <Anchor component={Link} to="/help" size="sm">
        All help articles
      </Anchor>
      {me.isStaff && article.data && (
        <Button
          component={Link}
          to={editorPath(id)}
          size="xs"
          leftSection={<IconPencil size={14} aria-hidden />}
        >
          Edit
        </Button>
      )}
    </Group>
  );
  if (article.isPending) return <PageLoader />;
  if (article.isError) {
    const missing = isApiError(article.error) && article.error.status === 404;
    return (
      <Page title="Article not found" size="md" actions={back}>
        <ErrorAlert
          error={missing ? "There is no help article here, or it is no longer available." : article.error}
        />
      </Page>
    );
  }
  const shown = article.data;
  return (
    <Page title={shown.title} size="md" actions={back}>
      <Text size="sm" c="dimmed">
        {shown.category.name} · updated {formatDate(shown.updatedAt)}
      </Text>
      {me.isStaff && <StaffFacts article={shown} />}
      <Paper withBorder p="lg" component="article" aria-label={shown.title}>
        <ArticleBody html={shown.html} />
      </Paper>
      {fromSuggestion && <DidThisAnswer article={shown} />}
    </Page>
  );
}
