-- Gives a plain Postgres (local, CI, Neon) what Supabase already has: the roles anon, authenticated
-- and service_role, and the auth schema with auth.uid(), auth.role() and auth.jwt(). It runs as
-- whatever role the platform gives (on Supabase `postgres`, no superuser, with no CREATE on schema
-- `auth`, which belongs to Supabase), so it creates nothing in a schema it does not own: where the
-- `auth` schema exists it is left as it is. Every step is skipped where its object exists.
-- (Edited after release: a database that applied the first version has everything this creates,
-- and Drizzle's migrator never runs an applied migration again.)
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    -- Only a superuser may grant BYPASSRLS; a non-superuser owner still bypasses RLS on its own tables.
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    ELSE
      CREATE ROLE service_role NOLOGIN NOINHERIT;
    END IF;
  END IF;
  -- The connecting role switches into these per request (SET LOCAL ROLE), so it must be a member.
  IF NOT pg_has_role(current_user, 'authenticated', 'MEMBER') THEN
    EXECUTE format('GRANT anon, authenticated, service_role TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  -- Supabase's own `auth` (or one made earlier) is never touched: CREATE anything in it is refused
  -- to `postgres` there, even CREATE ... IF NOT EXISTS of an object that exists.
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    RETURN;
  END IF;
  CREATE SCHEMA auth;
  -- As Supabase defines them: the claims of the request's JWT, set per transaction.
  CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $f$
    SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                    nullif(current_setting('request.jwt.claims', true), ''))::jsonb
  $f$;
  CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
    SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
  $f$;
  CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $f$
    SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
  $f$;
  GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
  GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA auth TO anon, authenticated, service_role;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated, service_role;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO authenticated, service_role;
