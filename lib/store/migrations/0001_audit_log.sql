CREATE TABLE "audit_chains" (
	"chain" text PRIMARY KEY NOT NULL,
	"head_position" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"anchor_position" bigint DEFAULT 0 NOT NULL,
	"anchor_hash" text,
	"anchored_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"chain" text NOT NULL,
	"position" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"operator_id" integer,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"outcome" text NOT NULL,
	"refusal" text,
	"key_fingerprint" text,
	"session_label" text,
	"client_address" text,
	"user_agent" text,
	"instance_id" text NOT NULL,
	"batch_id" uuid,
	"completes" uuid,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_chain_position_idx" ON "audit_events" USING btree ("chain","position");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_completes_idx" ON "audit_events" USING btree ("completes");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_seq_idx" ON "audit_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "audit_events_operator_seq_idx" ON "audit_events" USING btree ("operator_id","seq" DESC NULLS LAST) WHERE "audit_events"."completes" is null;--> statement-breakpoint
CREATE INDEX "audit_events_operator_target_idx" ON "audit_events" USING btree ("operator_id","target","seq" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");