CREATE TABLE "sandbox_oidc_models" (
	"model" text NOT NULL,
	"id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"account_id" text,
	"grant_id" text,
	"uid" text,
	"expires_at" timestamp with time zone,
	"consumed_at" timestamp with time zone,
	CONSTRAINT "sandbox_oidc_models_model_id_pk" PRIMARY KEY("model","id")
);
--> statement-breakpoint
CREATE TABLE "sandbox_product_accounts" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"scim_id" text,
	"pushed" jsonb,
	"pushed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"failing_since" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sandbox_product_calls" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "sandbox_wipes" ADD COLUMN "resets_product" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sandbox_wipes" ADD COLUMN "reset_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "sandbox_oidc_models_grant_idx" ON "sandbox_oidc_models" USING btree ("grant_id") WHERE "sandbox_oidc_models"."grant_id" is not null;--> statement-breakpoint
CREATE INDEX "sandbox_oidc_models_account_idx" ON "sandbox_oidc_models" USING btree ("account_id") WHERE "sandbox_oidc_models"."account_id" is not null;--> statement-breakpoint
CREATE INDEX "sandbox_oidc_models_uid_idx" ON "sandbox_oidc_models" USING btree ("uid") WHERE "sandbox_oidc_models"."uid" is not null;--> statement-breakpoint
CREATE INDEX "sandbox_oidc_models_expires_idx" ON "sandbox_oidc_models" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sandbox_product_calls_due_idx" ON "sandbox_product_calls" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "sandbox_product_calls_created_idx" ON "sandbox_product_calls" USING btree ("created_at");