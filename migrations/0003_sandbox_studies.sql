CREATE TABLE "sandbox_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid NOT NULL,
	"actor_email" text NOT NULL,
	"action" text NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"study_id" uuid,
	"field" text,
	"old_value" text,
	"new_value" text,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "studies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"protocol_number" text NOT NULL,
	"title" text NOT NULL,
	"sponsor" text NOT NULL,
	"phase" text NOT NULL,
	"status" text DEFAULT 'design' NOT NULL,
	"organisation_id" uuid NOT NULL,
	"planned_enrolment" integer NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "studies_protocol_number_unique" UNIQUE("protocol_number")
);
--> statement-breakpoint
CREATE TABLE "study_cohorts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"name" text NOT NULL,
	"planned_size" integer NOT NULL,
	"dose" text NOT NULL,
	"position" integer NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "study_epochs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"start_day" integer NOT NULL,
	"end_day" integer NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "study_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"name" text NOT NULL,
	"day_offset" integer NOT NULL,
	"window_days" integer DEFAULT 0 NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "study_cohorts" ADD CONSTRAINT "study_cohorts_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_epochs" ADD CONSTRAINT "study_epochs_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_events" ADD CONSTRAINT "study_events_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sandbox_audit_record_idx" ON "sandbox_audit" USING btree ("record_type","record_id");--> statement-breakpoint
CREATE INDEX "sandbox_audit_study_idx" ON "sandbox_audit" USING btree ("study_id","id");--> statement-breakpoint
CREATE INDEX "study_cohorts_study_idx" ON "study_cohorts" USING btree ("study_id","position");--> statement-breakpoint
CREATE INDEX "study_epochs_study_idx" ON "study_epochs" USING btree ("study_id");--> statement-breakpoint
CREATE INDEX "study_events_study_idx" ON "study_events" USING btree ("study_id","day_offset");