-- Cloudflare Turnstile per widget site: the owner's Turnstile site key and secret, both or neither.
ALTER TABLE "sites" ADD COLUMN "turnstile_site_key" text;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "turnstile_secret" text;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_turnstile_check" CHECK (("sites"."turnstile_site_key" is null) = ("sites"."turnstile_secret" is null));--> statement-breakpoint
-- The secret is for the Worker only: a signed-in user (Supabase's Data API, the owner's own
-- queries through asUser) reads every column of their sites but this one, as api_keys keeps its
-- hash (migration 0004). A table-wide SELECT would cover it, so the grant becomes per column: every
-- column the table has now, whichever migrations added them. A later migration adding a column to
-- "sites" must grant SELECT on it to authenticated.
REVOKE SELECT ON TABLE "sites" FROM authenticated;--> statement-breakpoint
DO $$
DECLARE readable text;
BEGIN
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO readable
  FROM pg_attribute
  WHERE attrelid = 'public.sites'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'turnstile_secret';
  EXECUTE format('GRANT SELECT (%s) ON TABLE public.sites TO authenticated', readable);
END $$;
