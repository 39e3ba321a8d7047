ALTER TABLE "messages" ADD COLUMN "mentions_channel" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_channel_mentions_idx" ON "messages" USING btree ("channel_id","seq") WHERE "messages"."mentions_channel";--> statement-breakpoint
-- An @channel was a mention row per member: it becomes the message's flag, and only the rows of the
-- members it names by address stay. A message is read as posted (its first revision, when edited),
-- with the server's mention pattern; one that wrote no rows mentioned nobody and stays as it is.
UPDATE "messages" SET "mentions_channel" = true
WHERE "id" IN (
  SELECT "m"."id" FROM "messages" "m"
  JOIN "channels" "c" ON "c"."id" = "m"."channel_id" AND NOT "c"."is_announcements"
  LEFT JOIN (
    SELECT DISTINCT ON ("message_id") "message_id", "body" FROM "message_revisions"
    ORDER BY "message_id", "created_at", "id"
  ) "posted" ON "posted"."message_id" = "m"."id"
  WHERE EXISTS (SELECT 1 FROM "message_mentions" "mm" WHERE "mm"."message_id" = "m"."id")
    AND coalesce("posted"."body", "m"."body") ~* '(^|[^a-zA-Z0-9_@])@(?![a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}(?![a-zA-Z0-9_]))(channel|here)(?![a-zA-Z0-9_])'
);
--> statement-breakpoint
DELETE FROM "message_mentions" "mm"
USING "messages" "m"
LEFT JOIN (
  SELECT DISTINCT ON ("message_id") "message_id", "body" FROM "message_revisions"
  ORDER BY "message_id", "created_at", "id"
) "posted" ON "posted"."message_id" = "m"."id"
WHERE "m"."id" = "mm"."message_id" AND "m"."mentions_channel"
  AND NOT EXISTS (
    SELECT 1 FROM "users" "u",
      regexp_matches(coalesce("posted"."body", "m"."body"), '(^|[^a-zA-Z0-9_@])@([a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,})(?![a-zA-Z0-9_])', 'gi') AS "named"("handle")
    WHERE "u"."id" = "mm"."user_id" AND "u"."email" = lower("named"."handle"[2])
  );
