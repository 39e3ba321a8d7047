CREATE TABLE "chat_arrivals" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"arrived_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "newcomers_join" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Everyone already here has found their channels: only people who join from now on are newcomers.
INSERT INTO "chat_arrivals" ("user_id") SELECT "id" FROM "users";
