import { Anchor, Paper, Stack, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { Link } from "react-router";
import { suggestedArticlePath, useSuggestions } from "./api.js";

/** Waiting for a pause in typing keeps suggestions to a request per pause, not per key. */
const SUGGEST_DELAY_MS = 350;

/**
 * Published help articles matching the ticket being written, offered before it is sent: one may
 * answer the question, and the ticket need not be sent at all.
 */
export function ArticleSuggestions({ text }: { text: string }) {
  const [settled] = useDebouncedValue(text, SUGGEST_DELAY_MS);
  const suggestions = useSuggestions(settled);
  const articles = suggestions.data ?? [];
  return (
    // Announced as they change, so someone typing hears that an answer may already exist.
    <section aria-labelledby="article-suggestions" aria-live="polite">
      {articles.length > 0 && (
        <Paper withBorder p="md" bg="blue.0">
          <Stack gap="xs">
            <Title order={2} size="h4" id="article-suggestions">
              These articles may answer your question
            </Title>
            <Stack gap={6} component="ul" m={0} p={0} style={{ listStyle: "none" }}>
              {articles.map((article) => (
                <li key={article.id}>
                  <Anchor component={Link} to={suggestedArticlePath(article.id)} fw={600}>
                    {article.title}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {article.category} · {article.snippet}
                  </Text>
                </li>
              ))}
            </Stack>
            <Text size="xs" c="dimmed">
              Your ticket is kept while you read; come back to send it if it is still needed.
            </Text>
          </Stack>
        </Paper>
      )}
    </section>
  );
}
