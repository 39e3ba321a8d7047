import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { previewMarkdown } from "../../shared/contracts/platform.js";
import { callApi } from "./api.js";

/** Waiting this long after the last keystroke keeps the preview to a request per pause, not per key. */
const PREVIEW_DELAY_MS = 400;

/**
 * Markdown being typed, rendered by the server (its sanitizer is the only renderer, so the preview
 * shows exactly what readers will see). The last preview stays up while the next one is on its way.
 */
export function useMarkdownPreview(markdown: string) {
  const [settled] = useDebouncedValue(markdown, PREVIEW_DELAY_MS);
  const preview = useQuery({
    queryKey: ["markdown-preview", settled],
    queryFn: () => callApi(previewMarkdown, { body: { markdown: settled } }),
    select: (data) => data.html,
    placeholderData: (previous) => previous,
    staleTime: Number.POSITIVE_INFINITY,
  });
  return { html: preview.data, error: preview.error, pending: settled !== markdown || preview.isFetching };
}
