CREATE TABLE "host_enrolments" (
	"id" text PRIMARY KEY NOT NULL,
	"operator_id" integer NOT NULL,
	"agent_id" integer NOT NULL,
	"agent_name" text NOT NULL,
	"session_label" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"token_hash" text NOT NULL,
	"host_id" text,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "host_envelopes" (
	"id" text PRIMARY KEY NOT NULL,
	"host_id" text NOT NULL,
	"operator_id" integer NOT NULL,
	"agent_id" integer NOT NULL,
	"rotation_id" text NOT NULL,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"ephemeral_public_key" text NOT NULL,
	"sealed_key" text NOT NULL,
	"key_label" text NOT NULL,
	"fetched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "host_request_nonces" (
	"host_id" text NOT NULL,
	"nonce" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_armings" (
	"operator_id" integer PRIMARY KEY NOT NULL,
	"operator_name" text NOT NULL,
	"sealed_operator_key" text NOT NULL,
	"key_id" text NOT NULL,
	"operator_key_tail" text NOT NULL,
	"armed_at" timestamp with time zone NOT NULL,
	"session_label" text NOT NULL,
	"paused_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "policy_runs" (
	"operator_id" integer NOT NULL,
	"agent_id" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"attempt_id" uuid,
	"instance_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rotation_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operator_id" integer NOT NULL,
	"agent_id" integer,
	"every_days" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"session_label" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "agent_name" text;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "key_source" text;--> statement-breakpoint
CREATE INDEX "host_enrolments_operator_agent_idx" ON "host_enrolments" USING btree ("operator_id","agent_id","created_at");--> statement-breakpoint
CREATE INDEX "host_envelopes_host_idx" ON "host_envelopes" USING btree ("host_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "host_request_nonces_pk" ON "host_request_nonces" USING btree ("host_id","nonce");--> statement-breakpoint
CREATE INDEX "host_request_nonces_expiry_idx" ON "host_request_nonces" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_runs_due_idx" ON "policy_runs" USING btree ("operator_id","agent_id","due_at");--> statement-breakpoint
CREATE INDEX "policy_runs_status_idx" ON "policy_runs" USING btree ("operator_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "rotation_policies_agent_idx" ON "rotation_policies" USING btree ("operator_id","agent_id") WHERE "rotation_policies"."agent_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "rotation_policies_operator_idx" ON "rotation_policies" USING btree ("operator_id") WHERE "rotation_policies"."agent_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "handoffs_key_source_idx" ON "handoffs" USING btree ("key_source");--> statement-breakpoint
CREATE INDEX "handoffs_operator_origin_idx" ON "handoffs" USING btree ("operator_id","origin");