DROP INDEX "conversations_user_updated_idx";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "pinned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "active_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- A conversation was last active when its newest message was sent (when it was made, if it has none).
UPDATE "conversations" SET "active_at" = coalesce(
  (select max(m."created_at") from "messages" m where m."conversation_id" = "conversations"."id"), "conversations"."created_at");--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(title, ''))) STORED;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED;--> statement-breakpoint
CREATE INDEX "conversations_user_active_idx" ON "conversations" USING btree ("user_id","active_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE visitor_id is null;--> statement-breakpoint
CREATE INDEX "conversations_search_idx" ON "conversations" USING gin ("search");--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search");