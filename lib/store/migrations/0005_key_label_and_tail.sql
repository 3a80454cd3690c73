ALTER TABLE "audit_events" RENAME COLUMN "key_fingerprint" TO "key_label";--> statement-breakpoint
ALTER TABLE "key_rotations" RENAME COLUMN "key_fingerprint" TO "key_label";--> statement-breakpoint
ALTER TABLE "sessions" RENAME COLUMN "operator_key_fingerprint" TO "operator_key_tail";