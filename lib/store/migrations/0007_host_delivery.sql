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
CREATE INDEX "host_enrolments_operator_agent_idx" ON "host_enrolments" USING btree ("operator_id","agent_id","created_at");--> statement-breakpoint
CREATE INDEX "host_envelopes_host_idx" ON "host_envelopes" USING btree ("host_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "host_request_nonces_pk" ON "host_request_nonces" USING btree ("host_id","nonce");--> statement-breakpoint
CREATE INDEX "host_request_nonces_expiry_idx" ON "host_request_nonces" USING btree ("expires_at");