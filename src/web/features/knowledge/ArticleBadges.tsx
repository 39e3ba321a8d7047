import { Badge, Group } from "@mantine/core";
import type { ArticleSummary } from "./api.js";

/** What the product team must see at a glance: an article customers cannot read yet, or ever. */
export function ArticleBadges({ article }: { article: Pick<ArticleSummary, "status" | "audience"> }) {
  if (article.status === "published" && article.audience === "members") return null;
  return (
    <Group gap={4}>
      {article.status === "draft" && (
        <Badge color="gray" variant="light" tt="none">
          Draft
        </Badge>
      )}
      {article.audience === "staff" && (
        <Badge color="yellow" variant="filled" c="dark" tt="none">
          Staff only
        </Badge>
      )}
    </Group>
  );
}
