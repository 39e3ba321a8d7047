CREATE TABLE "pharmacy_containers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lot_id" uuid NOT NULL,
	"barcode" text NOT NULL,
	"quantity" integer NOT NULL,
	"remaining" integer NOT NULL,
	"status" text DEFAULT 'receipt' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pharmacy_containers_barcode_unique" UNIQUE("barcode"),
	CONSTRAINT "pharmacy_containers_remaining_in_range" CHECK ("pharmacy_containers"."remaining" >= 0 and "pharmacy_containers"."remaining" <= "pharmacy_containers"."quantity")
);
--> statement-breakpoint
CREATE TABLE "pharmacy_dispensations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"container_id" uuid NOT NULL,
	"enrolment_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"dose" text NOT NULL,
	"dose_reason" text,
	"dispensed_by" uuid NOT NULL,
	"dispensed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pharmacy_dispensations_quantity_positive" CHECK ("pharmacy_dispensations"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "pharmacy_lots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"lot_number" text NOT NULL,
	"quantity" integer NOT NULL,
	"expiry" date NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"received_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pharmacy_lots_quantity_positive" CHECK ("pharmacy_lots"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "pharmacy_products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"form" text NOT NULL,
	"strength" text NOT NULL,
	"units" text NOT NULL,
	"default_dose" text NOT NULL,
	"storage_notes" text DEFAULT '' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pharmacy_products_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "sandbox_deployments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"build_id" text NOT NULL,
	"version" text NOT NULL,
	"deployed_at" timestamp with time zone NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"flag_changes" jsonb NOT NULL,
	"unreleased" boolean NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_flags" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"state" text DEFAULT 'off' NOT NULL,
	"release_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"notice_channel_id" uuid,
	"wipe_notice_hours" integer DEFAULT 24 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_wipes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"message" text NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"immediate" boolean DEFAULT false NOT NULL,
	"scheduled_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"cancelled_by" uuid,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "pharmacy_containers" ADD CONSTRAINT "pharmacy_containers_lot_id_pharmacy_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."pharmacy_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pharmacy_dispensations" ADD CONSTRAINT "pharmacy_dispensations_container_id_pharmacy_containers_id_fk" FOREIGN KEY ("container_id") REFERENCES "public"."pharmacy_containers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pharmacy_lots" ADD CONSTRAINT "pharmacy_lots_product_id_pharmacy_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."pharmacy_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pharmacy_containers_lot_idx" ON "pharmacy_containers" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "pharmacy_dispensations_container_idx" ON "pharmacy_dispensations" USING btree ("container_id");--> statement-breakpoint
CREATE INDEX "pharmacy_dispensations_enrolment_idx" ON "pharmacy_dispensations" USING btree ("enrolment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pharmacy_lots_number_idx" ON "pharmacy_lots" USING btree ("product_id","lot_number");--> statement-breakpoint
CREATE INDEX "sandbox_deployments_deployed_idx" ON "sandbox_deployments" USING btree ("deployed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_wipes_one_pending_idx" ON "sandbox_wipes" USING btree ((true)) WHERE "sandbox_wipes"."status" in ('scheduled', 'running');--> statement-breakpoint
CREATE INDEX "sandbox_wipes_created_idx" ON "sandbox_wipes" USING btree ("created_at");