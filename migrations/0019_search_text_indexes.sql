ALTER TABLE "group_topics" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce(subject, ''))) STORED;--> statement-breakpoint
ALTER TABLE "project_comments" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce(body, ''))) STORED;--> statement-breakpoint
ALTER TABLE "project_document_versions" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))) STORED;--> statement-breakpoint
ALTER TABLE "project_posts" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))) STORED;--> statement-breakpoint
CREATE INDEX "group_topics_search_idx" ON "group_topics" USING gin ("search");--> statement-breakpoint
CREATE INDEX "project_comments_search_idx" ON "project_comments" USING gin ("search");--> statement-breakpoint
CREATE INDEX "project_document_versions_search_idx" ON "project_document_versions" USING gin ("search");--> statement-breakpoint
CREATE INDEX "project_posts_search_idx" ON "project_posts" USING gin ("search");