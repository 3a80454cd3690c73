ALTER TABLE "audit_chains" ADD COLUMN "anchor_before" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_chains" ADD COLUMN "anchor_key_id" text;--> statement-breakpoint
ALTER TABLE "audit_chains" ADD COLUMN "anchor_mac" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "key_id" text;