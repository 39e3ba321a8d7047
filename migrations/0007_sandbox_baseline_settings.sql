ALTER TABLE "sandbox_settings" ADD COLUMN "baseline_volunteers" integer DEFAULT 200 NOT NULL;--> statement-breakpoint
ALTER TABLE "sandbox_settings" ADD COLUMN "baseline_studies" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sandbox_settings" ADD COLUMN "baseline_seed" integer DEFAULT 20260101 NOT NULL;