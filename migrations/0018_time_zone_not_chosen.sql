ALTER TABLE "notification_settings" ALTER COLUMN "time_zone" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "notification_settings" ALTER COLUMN "time_zone" DROP NOT NULL;--> statement-breakpoint
-- "Never chosen" was briefly stored as an empty string, which names no zone.
UPDATE "notification_settings" SET "time_zone" = NULL WHERE "time_zone" = '';
