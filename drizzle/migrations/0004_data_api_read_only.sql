DROP POLICY "api_keys_owner_insert" ON "api_keys" CASCADE;--> statement-breakpoint
DROP POLICY "api_keys_owner_update" ON "api_keys" CASCADE;--> statement-breakpoint
DROP POLICY "api_keys_owner_delete" ON "api_keys" CASCADE;--> statement-breakpoint
DROP POLICY "conversations_owner_insert" ON "conversations" CASCADE;--> statement-breakpoint
DROP POLICY "conversations_owner_update" ON "conversations" CASCADE;--> statement-breakpoint
DROP POLICY "conversations_owner_delete" ON "conversations" CASCADE;--> statement-breakpoint
DROP POLICY "messages_owner_update" ON "messages" CASCADE;--> statement-breakpoint
DROP POLICY "messages_owner_delete" ON "messages" CASCADE;--> statement-breakpoint
DROP POLICY "messages_owner_insert" ON "messages" CASCADE;--> statement-breakpoint
DROP POLICY "sites_owner_insert" ON "sites" CASCADE;--> statement-breakpoint
DROP POLICY "sites_owner_update" ON "sites" CASCADE;--> statement-breakpoint
DROP POLICY "sites_owner_delete" ON "sites" CASCADE;--> statement-breakpoint
-- Supabase's Data API (PostgREST) switches anyone holding a user's JWT into `authenticated` (and
-- anyone at all into `anon`) on schema `public`, where Supabase's default privileges grant both
-- roles everything on every new table. RLS limits which rows; these grants limit what may be done
-- with them: anon nothing, a signed-in user reading their own rows (never an API key's hash), and
-- every write left to the Worker, which connects as the tables' owner. A new table must do the same
-- (test/node/data-api.test.ts fails on any table in public that the API roles can write).
REVOKE ALL ON TABLE "api_keys", "conversations", "messages", "notifications", "profiles", "sites",
  "stripe_events", "usage_daily", "usage_events", "usage_reports" FROM anon, authenticated;
--> statement-breakpoint
GRANT SELECT ON TABLE "conversations", "messages", "notifications", "profiles", "sites", "usage_daily",
  "usage_events", "usage_reports" TO authenticated;
--> statement-breakpoint
GRANT SELECT ("id", "user_id", "name", "prefix", "last_used_at", "revoked_at", "created_at") ON TABLE "api_keys"
  TO authenticated;
