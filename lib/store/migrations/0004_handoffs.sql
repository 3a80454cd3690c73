CREATE TABLE "handoffs" (
	"id" text PRIMARY KEY NOT NULL,
	"operator_id" integer NOT NULL,
	"agent_id" integer NOT NULL,
	"agent_name" text NOT NULL,
	"origin" text NOT NULL,
	"session_label" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"token_hash" text NOT NULL,
	"sealed_key" text,
	"key_label" text NOT NULL,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"redeemed_at" timestamp with time zone,
	"redeemed_address" text,
	"redeemed_user_agent" text,
	"alarm" text,
	"alarm_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "handoffs_operator_agent_idx" ON "handoffs" USING btree ("operator_id","agent_id","created_at");--> statement-breakpoint
CREATE INDEX "handoffs_expiry_idx" ON "handoffs" USING btree ("state","expires_at");