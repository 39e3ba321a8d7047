import { Button } from "@mantine/core";
import { IconBook2 } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { type ArticleSourceKind, editorPath, knowledgeApi } from "./api.js";

type Source = { kind: ArticleSourceKind; id: string };

/**
 * The product team's one click from an answer (a ticket comment, a chat message, a group message) to
 * a draft help article holding its text and linked back to it; the editor opens on the draft.
 */
export function useDraftArticle() {
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (source: Source) => knowledgeApi.draftFromSource(source),
    onSuccess: (article) => {
      notifySuccess(`Draft help article “${article.title}” created.`);
      navigate(editorPath(article.id));
    },
    onError: (error: Error) => notifyFailure(error.message),
  });
}

export function DraftArticleButton(source: Source) {
  const draft = useDraftArticle();
  return (
    <Button
      size="compact-xs"
      variant="subtle"
      leftSection={<IconBook2 size={14} aria-hidden />}
      loading={draft.isPending}
      onClick={() => draft.mutate(source)}
    >
      Make help article
    </Button>
  );
}
