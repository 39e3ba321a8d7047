CREATE TABLE "idea_messages" (
	"idea_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"linked_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idea_messages_idea_id_message_id_pk" PRIMARY KEY("idea_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "release_closures" (
	"release_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	"linked_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "release_closures_release_id_kind_target_id_pk" PRIMARY KEY("release_id","kind","target_id")
);
--> statement-breakpoint
ALTER TABLE "idea_messages" ADD CONSTRAINT "idea_messages_idea_id_ideas_id_fk" FOREIGN KEY ("idea_id") REFERENCES "public"."ideas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_closures" ADD CONSTRAINT "release_closures_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idea_messages_message_idx" ON "idea_messages" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "release_closures_target_idx" ON "release_closures" USING btree ("kind","target_id");