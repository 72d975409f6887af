ALTER TABLE "profiles" ADD COLUMN "subscription_checked_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "usage_events_created_idx" ON "usage_events" USING btree ("created_at");