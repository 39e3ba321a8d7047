import {
  ActionIcon,
  Anchor,
  Button,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { hasLength, useForm } from "@mantine/form";
import { IconArrowDown, IconArrowUp, IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ArticleBadges } from "./ArticleBadges.js";
import {
  type ArticleSummary,
  articlePath,
  type Category,
  knowledgeApi,
  knowledgeKeys,
  useArticles,
  useCategories,
  useKnowledgeLive,
} from "./api.js";

function CategoryArticles({ category, articles }: { category: Category; articles: ArticleSummary[] }) {
  const headingId = `category-${category.id}`;
  return (
    <section aria-labelledby={headingId}>
      <Title order={2} size="h3" id={headingId} mb="xs">
        {category.name}
      </Title>
      {articles.length === 0 ? (
        <Text c="dimmed" size="sm">
          No articles here yet.
        </Text>
      ) : (
        <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: "none" }}>
          {articles.map((article) => (
            <li key={article.id}>
              <Group gap="xs">
                <Anchor component={Link} to={articlePath(article.id)} fw={600}>
                  {article.title}
                </Anchor>
                <ArticleBadges article={article} />
              </Group>
              <Text size="sm" c="dimmed" lineClamp={2}>
                {article.excerpt}
              </Text>
            </li>
          ))}
        </Stack>
      )}
    </section>
  );
}

function RenameCategory({ category, onDone }: { category: Category; onDone: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: category.name },
    validate: { name: hasLength({ min: 1, max: 80 }, "Name the category.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => knowledgeApi.updateCategory(category.id, { name: values.name }),
    {
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
        onDone();
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Group align="flex-end" gap="xs">
        <TextInput label={`New name for ${category.name}`} {...form.getInputProps("name")} />
        <Button type="submit" loading={pending}>
          Save
        </Button>
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
      <ErrorAlert error={error} />
    </form>
  );
}

/** The product team's shelf: add categories, rename them, and move them up and down the list. */
function ManageCategories({ categories }: { categories: Category[] }) {
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: "" },
    validate: { name: hasLength({ min: 1, max: 80 }, "Name the category.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => knowledgeApi.createCategory(values.name),
    {
      onSuccess: () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.all }),
    },
  );
  const move = useMutation({
    mutationFn: ({ id, position }: { id: string; position: number }) =>
      knowledgeApi.updateCategory(id, { position }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.all }),
    onError: (failure: Error) => notifyFailure(failure.message),
  });
  return (
    <Section title="Categories" description="Staff only: the order here is the order members see.">
      <Stack gap="xs">
        {categories.map((category, index) =>
          renaming === category.id ? (
            <RenameCategory key={category.id} category={category} onDone={() => setRenaming(null)} />
          ) : (
            <Group key={category.id} justify="space-between" wrap="nowrap">
              <Text>
                {category.name}{" "}
                <Text span c="dimmed" size="sm">
                  ({category.articleCount})
                </Text>
              </Text>
              <Group gap={4} wrap="nowrap">
                <ActionIcon
                  variant="subtle"
                  aria-label={`Move ${category.name} up`}
                  disabled={index === 0 || move.isPending}
                  onClick={() => move.mutate({ id: category.id, position: index - 1 })}
                >
                  <IconArrowUp size={16} aria-hidden />
                </ActionIcon>
                <ActionIcon
                  variant="subtle"
                  aria-label={`Move ${category.name} down`}
                  disabled={index === categories.length - 1 || move.isPending}
                  onClick={() => move.mutate({ id: category.id, position: index + 1 })}
                >
                  <IconArrowDown size={16} aria-hidden />
                </ActionIcon>
                <Button size="compact-sm" variant="subtle" onClick={() => setRenaming(category.id)}>
                  Rename<VisuallyHidden> {category.name}</VisuallyHidden>
                </Button>
              </Group>
            </Group>
          ),
        )}
        <form onSubmit={onSubmit} noValidate>
          <Group align="flex-end" gap="xs">
            <TextInput label="New category" {...form.getInputProps("name")} />
            <Button
              type="submit"
              variant="light"
              loading={pending}
              leftSection={<IconPlus size={16} aria-hidden />}
            >
              Add category
            </Button>
          </Group>
          <ErrorAlert error={error} />
        </form>
      </Stack>
    </Section>
  );
}

/** `/help`: the help articles a person may read, by category; the product team also writes here. */
export function KnowledgePage() {
  const me = useSignedInMe();
  useKnowledgeLive();
  const categories = useCategories();
  const articles = useArticles();
  const actions = me.isStaff ? (
    <Button component={Link} to="/help/articles/new" leftSection={<IconPlus size={16} aria-hidden />}>
      New article
    </Button>
  ) : null;
  return (
    <Page title="Help articles" size="md" actions={actions}>
      <Text c="dimmed">
        Answers from the product team. Search them with the search box, or open a ticket in the service desk
        if yours is not here.
      </Text>
      {categories.isPending || articles.isPending ? (
        <PageLoader />
      ) : categories.isError || articles.isError ? (
        <ErrorAlert error={categories.error ?? articles.error} />
      ) : (
        <Stack gap="xl">
          {categories.data
            .filter((category) => me.isStaff || category.articleCount > 0)
            .map((category) => (
              <Paper key={category.id} withBorder p="md">
                <CategoryArticles
                  category={category}
                  articles={articles.data.filter((article) => article.category.id === category.id)}
                />
              </Paper>
            ))}
          {!me.isStaff && articles.data.length === 0 && (
            <Text c="dimmed">No help articles are published yet.</Text>
          )}
          {me.isStaff && <ManageCategories categories={categories.data} />}
        </Stack>
      )}
    </Page>
  );
}
