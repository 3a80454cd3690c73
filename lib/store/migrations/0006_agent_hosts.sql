CREATE TABLE "agent_hosts" (
	"id" text PRIMARY KEY NOT NULL,
	"operator_id" integer NOT NULL,
	"agent_id" integer NOT NULL,
	"name" text NOT NULL,
	"sealing_public_key" text NOT NULL,
	"signing_public_key" text NOT NULL,
	"connected_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"disconnected_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "agent_hosts_one_connected_idx" ON "agent_hosts" USING btree ("operator_id","agent_id") WHERE "agent_hosts"."disconnected_at" is null;