CREATE TABLE "sandbox_agreement_acceptances" (
	"id" uuid PRIMARY KEY NOT NULL,
	"agreement_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "sandbox_agreements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"published_by" uuid,
	CONSTRAINT "sandbox_agreements_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE TABLE "sandbox_users" (
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"added_by" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" uuid,
	CONSTRAINT "sandbox_users_user_id_pk" PRIMARY KEY("user_id")
);
--> statement-breakpoint
ALTER TABLE "sandbox_agreement_acceptances" ADD CONSTRAINT "sandbox_agreement_acceptances_agreement_id_sandbox_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."sandbox_agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_acceptances_once_idx" ON "sandbox_agreement_acceptances" USING btree ("agreement_id","user_id");--> statement-breakpoint
CREATE INDEX "sandbox_agreements_published_idx" ON "sandbox_agreements" USING btree ("published_at") WHERE "sandbox_agreements"."status" = 'published';