ALTER TABLE "conversations" ADD COLUMN "branch_leaf_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "parent_id" uuid;--> statement-breakpoint
-- Messages from before the tree were one line per conversation, oldest first: each follows the one before it.
UPDATE "messages" SET "parent_id" = "ordered"."previous_id"
FROM (
	SELECT "id", lag("id") OVER (PARTITION BY "conversation_id" ORDER BY "created_at", "id") AS "previous_id"
	FROM "messages"
) AS "ordered"
WHERE "messages"."id" = "ordered"."id" AND "ordered"."previous_id" IS NOT NULL AND "messages"."parent_id" IS NULL;
