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
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search");--> statement-breakpoint
DROP INDEX "messages_user_idx";--> statement-breakpoint
CREATE INDEX "messages_user_created_idx" ON "messages" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
-- Search runs as the signed-in user, under RLS. But RLS keeps Postgres from using an index for an
-- operator that is not leakproof (text search's @@, ILIKE) until its policy has filtered every
-- row: each search read all of the user's messages. These two functions find the caller's own
-- matches with the indexes (as their owner, restricted to auth.uid() in their own WHERE), and the
-- query that calls them reads the rows themselves under RLS as before (worker/db/search.ts).
-- The newest `max_hits` of the caller's messages matching `query`, outside widget visitors'
-- conversations. A word found in few messages is looked up in the GIN index and its matches
-- sorted; one found in many (2,000 or more) is read from the newest message back until enough
-- match, which stops early. The count is cheap either way (it stops at 2,000).
CREATE FUNCTION public.search_own_messages(query tsquery, max_hits integer)
RETURNS TABLE (message_id uuid, conversation_id uuid, created_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  caller uuid := auth.uid();
  many boolean;
BEGIN
  SELECT count(*) >= 2000 INTO many
    FROM (SELECT 1 FROM public.messages m WHERE m.user_id = caller AND m.search @@ query LIMIT 2000) AS probe;
  IF many THEN
    -- Planned for this call (EXECUTE), so on the (user_id, created_at) index, newest first.
    RETURN QUERY EXECUTE 'SELECT m.id, m.conversation_id, m.created_at
        FROM public.messages m
        JOIN public.conversations c ON c.id = m.conversation_id AND c.visitor_id IS NULL
       WHERE m.user_id = $1 AND m.search @@ $2
       ORDER BY m.created_at DESC
       LIMIT $3'
      USING caller, query, max_hits;
  ELSE
    RETURN QUERY WITH matched AS MATERIALIZED (
        SELECT m.id, m.conversation_id, m.created_at FROM public.messages m
         WHERE m.user_id = caller AND m.search @@ query)
      SELECT matched.id, matched.conversation_id, matched.created_at
        FROM matched
        JOIN public.conversations c ON c.id = matched.conversation_id AND c.visitor_id IS NULL
       ORDER BY matched.created_at DESC
       LIMIT max_hits;
  END IF;
END
$$;--> statement-breakpoint
-- The caller's own conversations (not widget visitors') whose title matches `query`, or contains
-- `fragment` (a LIKE pattern, its wildcards escaped by the caller) in any case.
CREATE FUNCTION public.search_own_titles(query tsquery, fragment text)
RETURNS TABLE (conversation_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT c.id FROM public.conversations c
   WHERE c.user_id = auth.uid() AND c.visitor_id IS NULL
     AND (c.search @@ query OR c.title ILIKE fragment ESCAPE '\')
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.search_own_messages(tsquery, integer), public.search_own_titles(tsquery, text)
  FROM PUBLIC, anon;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.search_own_messages(tsquery, integer), public.search_own_titles(tsquery, text)
  TO authenticated;
