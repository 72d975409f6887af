// The Supabase-shaped database must refuse `postgres` what a real project refuses it, and grant
// what a real project grants. Needs a cluster from scripts/supabase-shaped-cluster.sh:
//   TEST_SUPABASE_ADMIN_URL=postgresql://supabase_admin@127.0.0.1:5433/postgres
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseShapedDb, type SupabaseShapedDb } from '../../scripts/supabase-shaped-db.ts';

const adminUrl = process.env.TEST_SUPABASE_ADMIN_URL;
// Unique per run, so parallel runs on one cluster do not drop each other's database.
const database = `supabase_shaped_test_${process.pid}_${Date.now()}`;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe.skipIf(!adminUrl)('Supabase-shaped database', () => {
  let urls: SupabaseShapedDb;
  let postgres: pg.Client;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    urls = await createSupabaseShapedDb({ adminUrl: adminUrl!, database });
    postgres = await connect(urls.postgresUrl);
    clients.push(postgres);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    if (!adminUrl) return;
    const admin = await connect(adminUrl);
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it('connects as postgres, which is no superuser but bypasses RLS and may become the API roles', async () => {
    const { rows } = await postgres.query(
      `select current_user as "user", rolsuper, rolbypassrls,
              pg_has_role('postgres', 'anon', 'MEMBER') as anon,
              pg_has_role('postgres', 'authenticated', 'MEMBER') as authenticated,
              pg_has_role('postgres', 'service_role', 'MEMBER') as service_role,
              pg_has_role('postgres', 'supabase_admin', 'MEMBER') as supabase_admin,
              pg_has_role('postgres', 'supabase_auth_admin', 'MEMBER') as supabase_auth_admin
         from pg_roles where rolname = current_user`,
    );
    expect(rows[0]).toEqual({
      user: 'postgres',
      rolsuper: false,
      rolbypassrls: true,
      anon: true,
      authenticated: true,
      service_role: true,
      supabase_admin: false,
      supabase_auth_admin: false,
    });
  });

  it('refuses postgres CREATE in schema auth, even for a table that exists', async () => {
    const { rows } = await postgres.query(
      `select has_schema_privilege('postgres', 'auth', 'CREATE') as "create",
              has_schema_privilege('postgres', 'auth', 'USAGE') as usage`,
    );
    expect(rows[0]).toEqual({ create: false, usage: true });
    await expect(postgres.query('CREATE TABLE IF NOT EXISTS auth.users (id uuid)')).rejects.toMatchObject({
      code: '42501',
      message: 'permission denied for schema auth',
    });
  });

  it('reads the user from request.jwt.claims in auth.uid(), auth.role(), auth.email() and auth.jwt()', async () => {
    const sub = randomUUID();
    const claims = { sub, role: 'authenticated', email: 'someone@example.com' };
    await postgres.query('begin');
    try {
      await postgres.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
      const { rows } = await postgres.query('select auth.uid() as uid, auth.role() as role, auth.email() as email');
      expect(rows[0]).toEqual({ uid: sub, role: 'authenticated', email: 'someone@example.com' });
      await postgres.query('set local role authenticated');
      const jwt = await postgres.query('select auth.jwt() as jwt, auth.uid() as uid');
      expect(jwt.rows[0]).toEqual({ jwt: claims, uid: sub });
    } finally {
      await postgres.query('rollback');
    }
    // Scoped to the transaction, as PostgREST and Parley's asUser() set it.
    const { rows } = await postgres.query('select auth.uid() as uid');
    expect(rows[0].uid).toBeNull();
  });

  it('gives the API roles every privilege on a table postgres creates in public', async () => {
    await postgres.query('CREATE TABLE public.shaped_probe (id bigint generated always as identity, note text)');
    const privileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
    const { rows } = await postgres.query(
      `select grantee, privilege
         from unnest(array['anon', 'authenticated', 'service_role']) as grantee,
              unnest($1::text[]) as privilege
        where not has_table_privilege(grantee, 'public.shaped_probe', privilege)`,
      [privileges],
    );
    expect(rows).toEqual([]);
    const sequence = await postgres.query(
      `select has_sequence_privilege('anon', pg_get_serial_sequence('public.shaped_probe', 'id'), 'USAGE') as anon,
              has_sequence_privilege('authenticated', pg_get_serial_sequence('public.shaped_probe', 'id'), 'USAGE')
                as authenticated`,
    );
    expect(sequence.rows[0]).toEqual({ anon: true, authenticated: true });
  });

  it('has pgcrypto and uuid-ossp in schema extensions, on postgres search_path', async () => {
    const { rows } = await postgres.query(
      `select encode(digest('abc', 'sha256'), 'hex') as digest, uuid_generate_v4() is not null as uuid`,
    );
    expect(rows[0]).toEqual({
      digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      uuid: true,
    });
  });

  it('lets authenticator become the API roles and nothing else', async () => {
    const authenticator = await connect(urls.authenticatorUrl);
    clients.push(authenticator);
    await authenticator.query('set role authenticated');
    const { rows } = await authenticator.query('select current_user');
    expect(rows[0].current_user).toBe('authenticated');
    await authenticator.query('reset role');
    await expect(authenticator.query('set role postgres')).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses a wrong password for postgres', async () => {
    const url = new URL(urls.postgresUrl);
    url.password = 'not-the-password';
    await expect(connect(url.toString())).rejects.toMatchObject({ code: '28P01' });
  });
});
