-- Per-database part of a Supabase-shaped database, applied inside a freshly created database that
-- is owned by postgres (ansible/playbook.yml: `alter database postgres owner to postgres`). Run as
-- supabase_admin after cluster.sql. Not idempotent: it expects an empty database, and
-- createSupabaseShapedDb() makes a new one every time.
--
-- It replays, in upstream's order and with upstream's owners, the parts of
-- github.com/supabase/postgres migrations/db/ (and of github.com/supabase/auth migrations/, which
-- the Auth server runs as supabase_auth_admin) that shape roles' access to public, extensions and
-- auth. Each section names its files. Upstream runs init-scripts/ as postgres while it is still a
-- superuser; here the part of them postgres can do as the database owner runs under
-- SET ROLE postgres, so the objects and default privileges belong to postgres as upstream.
-- What a superuser must do runs as supabase_admin.
--
-- Left out: pgjwt (dropped from upstream's init script, and absent from Debian), pg_graphql,
-- pg_net, pg_cron, pgsodium/vault, storage, realtime (its publication too), pgbouncer's schema,
-- and their event triggers; none ships with Debian's postgresql-15 or is used by Parley.

-- init-scripts/00000000000000-initial-schema.sql, upstream as postgres (superuser then).
SET ROLE postgres;
CREATE SCHEMA extensions;
-- Both are trusted extensions, so the database owner may create them.
CREATE EXTENSION "uuid-ossp" WITH SCHEMA extensions;
CREATE EXTENSION pgcrypto WITH SCHEMA extensions;
GRANT USAGE ON SCHEMA public TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
GRANT USAGE ON SCHEMA extensions TO postgres, anon, authenticated, service_role;
RESET ROLE;
-- "So that the users receive grants whenever supabase_admin creates tables/functions".
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;

-- init-scripts/00000000000001-auth-schema.sql. The schema belongs to supabase_admin, its tables to
-- supabase_auth_admin (nix/tests/expected/auth.out checks both). Upstream builds the indexes
-- CONCURRENTLY, which cannot run in this file's single transaction; on empty tables it is the same.
CREATE SCHEMA auth AUTHORIZATION supabase_admin;

CREATE TABLE auth.users (
  instance_id uuid NULL,
  id uuid NOT NULL UNIQUE,
  aud varchar(255) NULL,
  "role" varchar(255) NULL,
  email varchar(255) NULL UNIQUE,
  encrypted_password varchar(255) NULL,
  confirmed_at timestamptz NULL,
  invited_at timestamptz NULL,
  confirmation_token varchar(255) NULL,
  confirmation_sent_at timestamptz NULL,
  recovery_token varchar(255) NULL,
  recovery_sent_at timestamptz NULL,
  email_change_token varchar(255) NULL,
  email_change varchar(255) NULL,
  email_change_sent_at timestamptz NULL,
  last_sign_in_at timestamptz NULL,
  raw_app_meta_data jsonb NULL,
  raw_user_meta_data jsonb NULL,
  is_super_admin bool NULL,
  created_at timestamptz NULL,
  updated_at timestamptz NULL,
  CONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS users_instance_id_email_idx ON auth.users USING btree (instance_id, email);
CREATE INDEX IF NOT EXISTS users_instance_id_idx ON auth.users USING btree (instance_id);
COMMENT ON TABLE auth.users IS 'Auth: Stores user login data within a secure schema.';

CREATE TABLE auth.refresh_tokens (
  instance_id uuid NULL,
  id bigserial NOT NULL,
  "token" varchar(255) NULL,
  user_id varchar(255) NULL,
  revoked bool NULL,
  created_at timestamptz NULL,
  updated_at timestamptz NULL,
  CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS refresh_tokens_instance_id_idx ON auth.refresh_tokens USING btree (instance_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_instance_id_user_id_idx
  ON auth.refresh_tokens USING btree (instance_id, user_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_token_idx ON auth.refresh_tokens USING btree (token);
COMMENT ON TABLE auth.refresh_tokens IS 'Auth: Store of tokens used to refresh JWT tokens once they expire.';

CREATE TABLE auth.instances (
  id uuid NOT NULL,
  uuid uuid NULL,
  raw_base_config text NULL,
  created_at timestamptz NULL,
  updated_at timestamptz NULL,
  CONSTRAINT instances_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE auth.instances IS 'Auth: Manages users across multiple sites.';

CREATE TABLE auth.audit_log_entries (
  instance_id uuid NULL,
  id uuid NOT NULL,
  payload json NULL,
  created_at timestamptz NULL,
  CONSTRAINT audit_log_entries_pkey PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS audit_logs_instance_id_idx ON auth.audit_log_entries USING btree (instance_id);
COMMENT ON TABLE auth.audit_log_entries IS 'Auth: Audit trail for user actions.';

CREATE TABLE auth.schema_migrations (
  "version" varchar(255) NOT NULL,
  CONSTRAINT schema_migrations_pkey PRIMARY KEY ("version")
);
COMMENT ON TABLE auth.schema_migrations IS 'Auth: Manages updates to the auth system.';
INSERT INTO auth.schema_migrations (version)
VALUES ('20171026211738'), ('20171026211808'), ('20171026211834'), ('20180103212743'), ('20180108183307'),
  ('20180119214651'), ('20180125194653');

GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT ALL PRIVILEGES ON SCHEMA auth TO supabase_auth_admin;
GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA auth TO supabase_auth_admin;
GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA auth TO supabase_auth_admin;
ALTER TABLE auth.users OWNER TO supabase_auth_admin;
ALTER TABLE auth.refresh_tokens OWNER TO supabase_auth_admin;
ALTER TABLE auth.audit_log_entries OWNER TO supabase_auth_admin;
ALTER TABLE auth.instances OWNER TO supabase_auth_admin;
ALTER TABLE auth.schema_migrations OWNER TO supabase_auth_admin;
-- auth.uid(), auth.role() and auth.email() are created further down, in their latest form.

-- init-scripts/00000000000003-post-setup.sql: dashboard_user's grants (the role is in cluster.sql;
-- the pg_cron/pg_net event triggers are left out with their extensions).
DO $$
BEGIN
  EXECUTE format('GRANT ALL ON DATABASE %I TO dashboard_user', current_database());
END
$$;
GRANT ALL ON SCHEMA extensions TO dashboard_user;
GRANT ALL ON ALL TABLES IN SCHEMA extensions TO dashboard_user;
GRANT ALL ON ALL SEQUENCES IN SCHEMA extensions TO dashboard_user;
GRANT ALL ON ALL ROUTINES IN SCHEMA extensions TO dashboard_user;
GRANT ALL ON SCHEMA auth TO dashboard_user;
GRANT ALL ON ALL TABLES IN SCHEMA auth TO dashboard_user;
GRANT ALL ON ALL SEQUENCES IN SCHEMA auth TO dashboard_user;
GRANT ALL ON ALL ROUTINES IN SCHEMA auth TO dashboard_user;

-- migrations/10000000000000_demote-postgres.sql (the role attributes are in cluster.sql).
DO $$
BEGIN
  EXECUTE format('GRANT ALL ON DATABASE %I TO postgres', current_database());
END
$$;
GRANT ALL ON SCHEMA auth TO postgres;
GRANT ALL ON SCHEMA extensions TO postgres;
GRANT ALL ON ALL TABLES IN SCHEMA auth TO postgres;
GRANT ALL ON ALL TABLES IN SCHEMA extensions TO postgres;
GRANT ALL ON ALL SEQUENCES IN SCHEMA auth TO postgres;
GRANT ALL ON ALL SEQUENCES IN SCHEMA extensions TO postgres;
GRANT ALL ON ALL ROUTINES IN SCHEMA auth TO postgres;
GRANT ALL ON ALL ROUTINES IN SCHEMA extensions TO postgres;

-- migrations/20211115181400_update-auth-permissions.sql
GRANT USAGE ON SCHEMA auth TO postgres;
GRANT ALL ON ALL TABLES IN SCHEMA auth TO postgres, dashboard_user;
GRANT ALL ON ALL SEQUENCES IN SCHEMA auth TO postgres, dashboard_user;
GRANT ALL ON ALL ROUTINES IN SCHEMA auth TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_auth_admin IN SCHEMA auth GRANT ALL ON TABLES TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_auth_admin IN SCHEMA auth GRANT ALL ON SEQUENCES TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_auth_admin IN SCHEMA auth GRANT ALL ON ROUTINES TO postgres, dashboard_user;

-- migrations/20220317095840_pg_graphql.sql: the Data API's second schema, with its placeholder
-- entrypoint (pg_graphql itself is not installed; upstream's placeholder says so).
CREATE SCHEMA IF NOT EXISTS graphql_public;
CREATE OR REPLACE FUNCTION graphql_public.graphql(
  "operationName" text DEFAULT NULL,
  query text DEFAULT NULL,
  variables jsonb DEFAULT NULL,
  extensions jsonb DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
  DECLARE
    server_version float;
  BEGIN
    server_version = (SELECT (SPLIT_PART((select version()), ' ', 2))::float);

    IF server_version >= 14 THEN
      RETURN jsonb_build_object(
        'data', null::jsonb,
        'errors', array['pg_graphql extension is not enabled.']
      );
    ELSE
      RETURN jsonb_build_object(
        'data', null::jsonb,
        'errors', array['pg_graphql is only available on projects running Postgres 14 onwards.']
      );
    END IF;
  END;
$$;
GRANT USAGE ON SCHEMA graphql_public TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA graphql_public GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA graphql_public GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA graphql_public GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;

-- migrations/20221222113022_allow_supabase_auth_admin_read_information_schema.sql
GRANT SELECT ON ALL TABLES IN SCHEMA information_schema TO supabase_auth_admin;

-- migrations/20230224042246_grant_extensions_perms_for_postgres.sql
GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA extensions TO postgres WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON ALL ROUTINES IN SCHEMA extensions TO postgres WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA extensions TO postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA extensions GRANT ALL ON TABLES TO postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA extensions GRANT ALL ON ROUTINES TO postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA extensions GRANT ALL ON SEQUENCES TO postgres WITH GRANT OPTION;

-- migrations/20250421084701_revoke_admin_roles_from_postgres.sql (the role membership is in
-- cluster.sql): postgres may use the auth schema but not create in it, so Parley's
-- `CREATE TABLE IF NOT EXISTS auth.users` fails there with "permission denied for schema auth".
REVOKE CREATE ON SCHEMA auth FROM postgres;
REVOKE ALL ON auth.schema_migrations FROM dashboard_user, postgres;

-- migrations/20251105172723_grant_pg_reload_conf_to_postgres.sql
GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO postgres;

-- migrations/20251121141100_supabase_auth_admin_db_grants.sql
DO $$
BEGIN
  EXECUTE format('GRANT CREATE ON DATABASE %I TO supabase_auth_admin', current_database());
END
$$;

-- github.com/supabase/auth migrations/, which the Auth server runs as supabase_auth_admin on its
-- first start, after the image's migrations. Latest definitions of the helpers:
-- 20220224000811_update_auth_functions.up.sql (uid, role, email; read `request.jwt.claim.*`, the
-- pre-v9 PostgREST settings, then `request.jwt.claims`) and 20220531120530_add_auth_jwt_function.up.sql
-- (jwt, and the deprecation comments). Owned by supabase_auth_admin, as
-- migrations/20211124212715_update-auth-owner.sql makes them; EXECUTE stays with PUBLIC.
SET ROLE supabase_auth_admin;

CREATE OR REPLACE FUNCTION auth.uid()
RETURNS uuid
LANGUAGE sql STABLE
AS $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

CREATE OR REPLACE FUNCTION auth.role()
RETURNS text
LANGUAGE sql STABLE
AS $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

CREATE OR REPLACE FUNCTION auth.email()
RETURNS text
LANGUAGE sql STABLE
AS $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

COMMENT ON FUNCTION auth.uid() IS 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
COMMENT ON FUNCTION auth.role() IS 'Deprecated. Use auth.jwt() -> ''role'' instead.';
COMMENT ON FUNCTION auth.email() IS 'Deprecated. Use auth.jwt() -> ''email'' instead.';

CREATE OR REPLACE FUNCTION auth.jwt()
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

-- 20240612123726_enable_rls_update_grants.up.sql, for the auth tables that exist here (the Auth
-- server's own later tables are not created).
ALTER TABLE auth.schema_migrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.instances ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.audit_log_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.refresh_tokens ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON auth.schema_migrations TO postgres WITH GRANT OPTION;
GRANT SELECT ON auth.instances TO postgres WITH GRANT OPTION;
GRANT SELECT ON auth.users TO postgres WITH GRANT OPTION;
GRANT SELECT ON auth.audit_log_entries TO postgres WITH GRANT OPTION;
GRANT SELECT ON auth.refresh_tokens TO postgres WITH GRANT OPTION;

RESET ROLE;

-- The Data API (PostgREST) exposes public and graphql_public, with public and extensions on each
-- request's search_path: github.com/supabase/cli pkg/config/templates/config.toml ([api] schemas,
-- extra_search_path); upstream's docker/all-in-one/init/configure-postgrest.sh adds storage, which
-- is not here. Recorded as PostgREST's in-database configuration, which it reads from the
-- authenticator role's settings.
DO $$
BEGIN
  EXECUTE format('ALTER ROLE authenticator IN DATABASE %I SET pgrst.db_schemas = %L',
    current_database(), 'public, graphql_public');
  EXECUTE format('ALTER ROLE authenticator IN DATABASE %I SET pgrst.db_extra_search_path = %L',
    current_database(), 'public, extensions');
END
$$;
