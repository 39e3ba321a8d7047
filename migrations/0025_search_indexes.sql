CREATE INDEX "messages_author_idx" ON "messages" USING btree ("author_id","created_at");--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "group_messages_author_idx" ON "group_messages" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "group_messages_created_idx" ON "group_messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "project_comments_author_idx" ON "project_comments" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "project_comments_created_idx" ON "project_comments" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "project_posts_author_idx" ON "project_posts" USING btree ("author_id");