CREATE TABLE "import_records" (
	"source_key" text NOT NULL,
	"external_id" text NOT NULL,
	"kind" text NOT NULL,
	"item_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_records_source_key_external_id_pk" PRIMARY KEY("source_key","external_id")
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"filename" text NOT NULL,
	"file_path" text NOT NULL,
	"unknown_people" text NOT NULL,
	"group_handle" text,
	"status" text NOT NULL,
	"phase" text DEFAULT 'survey' NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"report" jsonb,
	"finished" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"started_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "placeholder" boolean DEFAULT false NOT NULL;