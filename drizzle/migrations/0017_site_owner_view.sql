CREATE TABLE "site_refusals_daily" (
	"user_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"day" date NOT NULL,
	"reason" text NOT NULL,
	"count" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "site_refusals_daily_site_id_day_reason_pk" PRIMARY KEY("site_id","day","reason")
);
--> statement-breakpoint
ALTER TABLE "site_refusals_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "site_id" uuid GENERATED ALWAYS AS (case when subject_type = 'visitor' and subject_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:' then split_part(subject_id, ':', 1)::uuid end) STORED;--> statement-breakpoint
CREATE INDEX "conversations_site_active_idx" ON "conversations" USING btree ("site_id","active_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE visitor_id is not null;--> statement-breakpoint
CREATE INDEX "usage_events_site_occurred_idx" ON "usage_events" USING btree ("site_id","occurred_at") WHERE site_id is not null;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_retention_days_check" CHECK ("sites"."retention_days" between 1 and 3650);--> statement-breakpoint
-- Reads of "sites" are granted per column since 0016 (its Turnstile secret is the Worker's only).
GRANT SELECT ("retention_days") ON TABLE "sites" TO authenticated;--> statement-breakpoint
CREATE POLICY "site_refusals_daily_owner_select" ON "site_refusals_daily" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("user_id" = (select auth.uid()));--> statement-breakpoint
-- As 0004 for every table in public: a site's owner reads its refusals (RLS above), writes nothing.
REVOKE ALL ON TABLE "site_refusals_daily" FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON TABLE "site_refusals_daily" TO authenticated;--> statement-breakpoint
-- Search over one site's visitors' conversations, for the site's owner: as 0011's two functions
-- (the indexes found as their owner, restricted to auth.uid() in their own WHERE; the rows read by
-- the caller under RLS), but for the visitors' conversations of `site` only.
-- The newest `max_hits` of the caller's messages matching `query` in `site`'s visitors' conversations.
CREATE FUNCTION public.search_site_messages(site uuid, query tsquery, max_hits integer)
RETURNS TABLE (message_id uuid, conversation_id uuid, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH matched AS MATERIALIZED (
      SELECT m.id, m.conversation_id, m.created_at FROM public.messages m
       WHERE m.user_id = auth.uid() AND m.search @@ query)
    SELECT matched.id, matched.conversation_id, matched.created_at
      FROM matched
      JOIN public.conversations c ON c.id = matched.conversation_id AND c.site_id = site AND c.visitor_id IS NOT NULL
     ORDER BY matched.created_at DESC
     LIMIT max_hits
$$;--> statement-breakpoint
-- `site`'s visitors' conversations (the caller's) whose title matches `query` or contains `fragment`.
CREATE FUNCTION public.search_site_titles(site uuid, query tsquery, fragment text)
RETURNS TABLE (conversation_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT c.id FROM public.conversations c
   WHERE c.user_id = auth.uid() AND c.site_id = site AND c.visitor_id IS NOT NULL
     AND (c.search @@ query OR c.title ILIKE fragment ESCAPE '\')
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.search_site_messages(uuid, tsquery, integer), public.search_site_titles(uuid, tsquery, text)
  FROM PUBLIC, anon;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.search_site_messages(uuid, tsquery, integer), public.search_site_titles(uuid, tsquery, text)
  TO authenticated;
