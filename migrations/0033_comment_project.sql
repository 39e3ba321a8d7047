-- A comment keeps its post's project (a post never changes project): added empty, filled from the posts, then required.
ALTER TABLE "project_comments" ADD COLUMN "project_id" uuid;--> statement-breakpoint
UPDATE "project_comments" SET "project_id" = "project_posts"."project_id" FROM "project_posts" WHERE "project_posts"."id" = "project_comments"."post_id";--> statement-breakpoint
ALTER TABLE "project_comments" ALTER COLUMN "project_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "project_comments" ADD CONSTRAINT "project_comments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_comments_project_idx" ON "project_comments" USING btree ("project_id");
