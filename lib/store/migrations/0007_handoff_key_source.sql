ALTER TABLE "handoffs" ADD COLUMN "key_source" text;--> statement-breakpoint
CREATE UNIQUE INDEX "handoffs_key_source_idx" ON "handoffs" USING btree ("key_source");--> statement-breakpoint
CREATE INDEX "handoffs_operator_origin_idx" ON "handoffs" USING btree ("operator_id","origin");