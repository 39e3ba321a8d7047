CREATE TABLE "sandbox_baseline_payload_chunks" (
	"key" text NOT NULL,
	"part" integer NOT NULL,
	"chunk" integer NOT NULL,
	"table_name" text NOT NULL,
	"row_count" integer NOT NULL,
	"rows" json NOT NULL,
	CONSTRAINT "sandbox_baseline_payload_chunks_key_part_chunk_pk" PRIMARY KEY("key","part","chunk")
);
--> statement-breakpoint
CREATE TABLE "sandbox_baseline_payloads" (
	"key" text PRIMARY KEY NOT NULL,
	"studies" integer NOT NULL,
	"volunteers" integer NOT NULL,
	"enrolments" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sandbox_baseline_payload_chunks" ADD CONSTRAINT "sandbox_baseline_payload_chunks_key_sandbox_baseline_payloads_key_fk" FOREIGN KEY ("key") REFERENCES "public"."sandbox_baseline_payloads"("key") ON DELETE cascade ON UPDATE no action;