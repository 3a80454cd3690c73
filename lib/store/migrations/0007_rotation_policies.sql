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
CREATE UNIQUE INDEX "policy_runs_due_idx" ON "policy_runs" USING btree ("operator_id","agent_id","due_at");--> statement-breakpoint
CREATE INDEX "policy_runs_status_idx" ON "policy_runs" USING btree ("operator_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "rotation_policies_agent_idx" ON "rotation_policies" USING btree ("operator_id","agent_id") WHERE "rotation_policies"."agent_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "rotation_policies_operator_idx" ON "rotation_policies" USING btree ("operator_id") WHERE "rotation_policies"."agent_id" is null;