CREATE TABLE "enrolments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"volunteer_id" uuid NOT NULL,
	"status" text DEFAULT 'screening' NOT NULL,
	"screening_date" date NOT NULL,
	"status_reason" text,
	"cohort_id" uuid,
	"subject_number" text,
	"dosing_start" date,
	"dosing_end" date,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"filename" text NOT NULL,
	"status" text NOT NULL,
	"skip_invalid" boolean DEFAULT false NOT NULL,
	"rows_read" integer NOT NULL,
	"imported" integer NOT NULL,
	"refused" integer NOT NULL,
	"report" jsonb NOT NULL,
	"created_by" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_cohort_id_study_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."study_cohorts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "enrolments_subject_number_idx" ON "enrolments" USING btree ("study_id","subject_number");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolments_open_once_idx" ON "enrolments" USING btree ("study_id","volunteer_id") WHERE "enrolments"."status" in ('screening', 'eligible', 'enrolled');--> statement-breakpoint
CREATE INDEX "enrolments_volunteer_idx" ON "enrolments" USING btree ("volunteer_id");--> statement-breakpoint
CREATE INDEX "enrolments_cohort_idx" ON "enrolments" USING btree ("cohort_id");