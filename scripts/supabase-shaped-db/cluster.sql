-- Cluster-wide part of a Supabase-shaped database: the roles. Run as supabase_admin (the cluster's
-- bootstrap superuser, `initdb --username=supabase_admin`, as Supabase's own images do:
-- ansible/tasks/setup-postgres.yml). Idempotent: every role may exist from an earlier run, and
-- every attribute, setting and membership is set again so a changed file converges.
--
-- Sources, all in github.com/supabase/postgres unless marked otherwise (paths under
-- migrations/db/; "init" = init-scripts/, which upstream runs as postgres while it is still a
-- superuser; everything else runs as supabase_admin):
--   supabase_admin       init/00000000000000-initial-schema.sql (superuser createdb createrole
--                        replication bypassrls); search_path from init/00000000000003-post-setup.sql
--                        and docker/all-in-one/etc/postgresql.schema.sql; log_statement=none as
--                        nix/tests/expected/roles.out shows it.
--   postgres             migrate.sh and ansible/playbook.yml create it (superuser login);
--                        migrations/10000000000000_demote-postgres.sql makes it
--                        NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS;
--                        search_path from init/00000000000003-post-setup.sql.
--                        Memberships: 20230201083204_grant_auth_roles_to_postgres.sql (anon,
--                        authenticated, service_role), 20230306081037_grant_pg_monitor_to_postgres.sql,
--                        20240606060239_grant_predefined_roles_to_postgres.sql (pg_read_all_data,
--                        pg_signal_backend), 20251215120934_supabase_superuser.sql (supabase_superuser).
--                        Not a member of supabase_auth_admin: granted by
--                        20220609081115_grant-supabase-auth-admin-and-supabase-storage-admin-to-postgres.sql,
--                        revoked by 20250421084701_revoke_admin_roles_from_postgres.sql (and before it
--                        20240627101908_revoke_supabase_auth_admin_from_postgres.sql), so never granted here.
--                        WITH ADMIN OPTION on the API roles only on Postgres 16+
--                        (20250605172253_grant_with_admin_to_postgres_16_and_above.sql): not on 15.
--   anon, authenticated, service_role
--                        init/00000000000000-initial-schema.sql creates them NOLOGIN NOINHERIT
--                        (service_role BYPASSRLS) with statement_timeout 3s / 8s on anon /
--                        authenticated; 20230529180330_alter_api_roles_for_inherit.sql then makes
--                        all three INHERIT, which is what a project has today.
--   authenticator        init/00000000000000-initial-schema.sql (`create user authenticator
--                        noinherit`, granted the three API roles and supabase_admin),
--                        20221103090837_revoke_admin.sql (supabase_admin revoked, so never granted
--                        here), 20221028101028_set_authenticator_timeout.sql (statement_timeout 8s),
--                        20231130133139_set_lock_timeout_to_authenticator_role.sql (lock_timeout 8s).
--   supabase_auth_admin  init/00000000000001-auth-schema.sql (NOINHERIT CREATEROLE LOGIN
--                        NOREPLICATION, search_path auth), 20260821154147_revoke_createrole_from_auth_admin.sql
--                        (NOCREATEROLE), 20220322085208_gotrue-session-limit.sql
--                        (idle_in_transaction_session_timeout 60000); log_statement=none as
--                        nix/tests/expected/auth.out shows it.
--   dashboard_user       init/00000000000003-post-setup.sql (NOSUPERUSER CREATEDB CREATEROLE REPLICATION).
--   supabase_superuser   20251215120934_supabase_superuser.sql (a plain role granted to postgres).
--
-- Left out on purpose, being for services Parley does not run here: supabase_storage_admin,
-- supabase_realtime_admin, supabase_replication_admin, supabase_read_only_user, supabase_etl_admin,
-- supabase_functions_admin, pgbouncer, pgsodium_* and pgtle_admin. Also left out:
-- session_preload_libraries = 'supautils, safeupdate' on authenticator and postgres
-- (20260413000000_fix-authenticator-session-preload-libraries.sql,
-- 20261010094800_postgres-role-safeupdate.sql): Debian's postgresql-15 has neither library, and a
-- missing preload library makes every login as that role fail.
--
-- Passwords: postgres/postgres and authenticator/authenticator, for a local test cluster only.

-- Two callers creating databases at once must not race on CREATE ROLE / GRANT.
SELECT pg_advisory_xact_lock(hashtext('supabase-shaped-db cluster roles'));

DO $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY[
    'postgres', 'anon', 'authenticated', 'service_role', 'authenticator', 'supabase_auth_admin',
    'dashboard_user', 'supabase_superuser'
  ] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
      EXECUTE format('CREATE ROLE %I', name);
    END IF;
  END LOOP;
END
$$;

ALTER ROLE supabase_admin WITH SUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS;
ALTER ROLE supabase_admin SET search_path TO "$user", public, auth, extensions;
ALTER ROLE supabase_admin SET log_statement = none;

ALTER ROLE postgres WITH LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE REPLICATION BYPASSRLS PASSWORD 'postgres';
-- Verbatim from post-setup, backslash included: upstream runs that file with psql -f, which keeps
-- the `\$` (meant for a shell heredoc), so a project's postgres role really has the schema
-- `\$user` first on its path (see nix/tests/expected/roles.out). Neither exists, so in effect the
-- path is public, extensions.
ALTER ROLE postgres SET search_path TO "\$user", public, extensions;

ALTER ROLE anon WITH NOLOGIN INHERIT NOBYPASSRLS;
ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated WITH NOLOGIN INHERIT NOBYPASSRLS;
ALTER ROLE authenticated SET statement_timeout = '8s';
ALTER ROLE service_role WITH NOLOGIN INHERIT BYPASSRLS;

ALTER ROLE authenticator WITH LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
  PASSWORD 'authenticator';
ALTER ROLE authenticator SET statement_timeout = '8s';
ALTER ROLE authenticator SET lock_timeout = '8s';

ALTER ROLE supabase_auth_admin WITH LOGIN NOINHERIT NOCREATEROLE NOREPLICATION;
ALTER ROLE supabase_auth_admin SET search_path = auth;
ALTER ROLE supabase_auth_admin SET idle_in_transaction_session_timeout = 60000;
ALTER ROLE supabase_auth_admin SET log_statement = none;

ALTER ROLE dashboard_user WITH NOLOGIN NOSUPERUSER CREATEDB CREATEROLE REPLICATION;
ALTER ROLE supabase_superuser WITH NOLOGIN;

GRANT anon, authenticated, service_role TO authenticator;
GRANT anon, authenticated, service_role TO postgres;
GRANT pg_monitor, pg_read_all_data, pg_signal_backend, supabase_superuser TO postgres;

-- Upstream's revocations (20221103090837_revoke_admin.sql, 20250421084701_revoke_admin_roles_from_postgres.sql),
-- for a cluster where something granted these by hand; REVOKE alone would warn on every run.
DO $$
DECLARE
  pair text[];
BEGIN
  FOREACH pair SLICE 1 IN ARRAY ARRAY[
    ['supabase_admin', 'authenticator'], ['supabase_admin', 'postgres'], ['supabase_auth_admin', 'postgres']
  ] LOOP
    IF EXISTS (SELECT FROM pg_auth_members WHERE roleid = pair[1]::regrole AND member = pair[2]::regrole) THEN
      EXECUTE format('REVOKE %I FROM %I', pair[1], pair[2]);
    END IF;
  END LOOP;
END
$$;
