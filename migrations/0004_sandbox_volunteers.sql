CREATE TABLE "volunteers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"display_id" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"sex" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"email" text,
	"phone" text,
	"region" text NOT NULL,
	"height_cm" integer NOT NULL,
	"weight_kg" real NOT NULL,
	"bmi" real NOT NULL,
	"smoker" boolean DEFAULT false NOT NULL,
	"recruitment_status" text DEFAULT 'prospect' NOT NULL,
	"medical_history" text DEFAULT '' NOT NULL,
	"organisation_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "volunteers_display_id_unique" UNIQUE("display_id")
);
--> statement-breakpoint
CREATE INDEX "volunteers_status_idx" ON "volunteers" USING btree ("recruitment_status");--> statement-breakpoint
CREATE INDEX "volunteers_bmi_idx" ON "volunteers" USING btree ("bmi");--> statement-breakpoint
CREATE INDEX "volunteers_dob_idx" ON "volunteers" USING btree ("date_of_birth");