// Issue 17: Parley's migrations on a database shaped as Supabase shapes its own, applied the way a
// deploy applies them (`drizzle-kit migrate`, as `postgres`, which is no superuser there), and
// Supabase's Data API as a second door into Parley's tables. PostgREST connects as `authenticator`,
// puts the JWT's claims in `request.jwt.claims` and switches to `anon` or `authenticated` for each
// request; it then runs whatever its URL grammar allows on the exposed schema (`public`). Played
// here with raw SQL under that role switch, which can do at least all that PostgREST can.
// Needs a cluster from scripts/supabase-shaped-cluster.sh (.ci/run starts one): TEST_SUPABASE_ADMIN_URL.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseShapedDb, type SupabaseShapedDb } from '../../scripts/supabase-shaped-db.ts';

const adminUrl = process.env.TEST_SUPABASE_ADMIN_URL;
const database = `parley_data_api_${process.pid}_${Date.now()}`;
const run = promisify(execFile);

/** `drizzle-kit migrate` as the deploy workflow runs it, with DATABASE_URL; its exit and output. */
async function drizzleKitMigrate(databaseUrl: string) {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/drizzle-kit', ['migrate'], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe.skipIf(!adminUrl)('on a Supabase-shaped database', () => {
  let urls: SupabaseShapedDb;
  let owner: pg.Client;
  let postgrest: pg.Client;
  const alice = randomUUID();
  const bob = randomUUID();
  const ids = {
    revokedKey: randomUUID(),
    liveKey: randomUUID(),
    bobSite: randomUUID(),
    aliceConversation: randomUUID(),
  };

  beforeAll(async () => {
    urls = await createSupabaseShapedDb({ adminUrl: adminUrl!, database });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([owner?.end(), postgrest?.end()]);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it('drizzle-kit migrate, as postgres, applies every migration; run again, it changes nothing', async () => {
    const first = await drizzleKitMigrate(urls.postgresUrl);
    expect(first.output).toContain('migrations applied successfully');
    expect(first.code).toBe(0);
    const again = await drizzleKitMigrate(urls.postgresUrl);
    expect(again.code).toBe(0);

    owner = new pg.Client({ connectionString: urls.postgresUrl });
    await owner.connect();
    const { rows } = await owner.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public' order by 1",
    );
    expect(rows.map((r) => r.tablename)).toEqual([
      'api_keys',
      'conversations',
      'cron_runs',
      'dead_letters',
      'files',
      'invoices',
      'messages',
      'notifications',
      'profiles',
      'refusals_daily',
      'reply_timing_daily',
      'reply_timings',
      'shares',
      'site_refusals_daily',
      'site_usage_daily',
      'sites',
      'stripe_events',
      'tier_changes',
      'usage_daily',
      'usage_events',
      'usage_reports',
    ]);
    // Supabase's own auth schema is as Supabase made it: nothing of Parley's in it.
    const auth = await owner.query("select count(*)::int as n from pg_proc where pronamespace = 'auth'::regnamespace");
    expect(auth.rows[0].n).toBe(4);
  }, 120_000);

  describe("through the Data API's role switch", () => {
    beforeAll(async () => {
      // What the Worker would have written, as the owner: two users, Bob's site, Alice's keys (one
      // revoked) and her conversation.
      await owner.query('insert into profiles (id, email) values ($1, $2), ($3, $4)', [
        alice,
        'alice@example.com',
        bob,
        'bob@example.com',
      ]);
      await owner.query(
        "insert into sites (id, user_id, name, public_key, allowed_origins) values ($1, $2, 'Bob', 'pk_bob', '{https://bob.example}')",
        [ids.bobSite, bob],
      );
      await owner.query(
        `insert into api_keys (id, user_id, name, prefix, key_hash, revoked_at) values
           ($1, $3, 'old', 'sk-parley-old', 'hash-old', now()), ($2, $3, 'live', 'sk-parley-liv', 'hash-live', null)`,
        [ids.revokedKey, ids.liveKey, alice],
      );
      await owner.query("insert into conversations (id, user_id, title) values ($1, $2, 'Mine')", [
        ids.aliceConversation,
        alice,
      ]);
      postgrest = new pg.Client({ connectionString: urls.authenticatorUrl });
      await postgrest.connect();
    });

    /** One request as PostgREST makes it: claims and role for the transaction, then the statement. */
    async function asDataApi(role: 'anon' | 'authenticated', statement: string, params: unknown[] = []) {
      const claims =
        role === 'anon' ? { role } : { role, sub: alice, aud: 'authenticated', email: 'alice@example.com' };
      await postgrest.query('begin');
      try {
        await postgrest.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
        await postgrest.query(`set local role ${role}`);
        await postgrest.query('set local search_path = public, extensions');
        return (await postgrest.query(statement, params)).rows;
      } finally {
        await postgrest.query('rollback');
      }
    }

    it('reads what the user owns, and only that', async () => {
      const conversations = await asDataApi('authenticated', 'select id from conversations');
      expect(conversations).toEqual([{ id: ids.aliceConversation }]);
      const keys = await asDataApi(
        'authenticated',
        'select id, revoked_at is not null as revoked from api_keys order by name',
      );
      expect(keys).toEqual([
        { id: ids.liveKey, revoked: false },
        { id: ids.revokedKey, revoked: true },
      ]);
      // Reads of sites are granted per column (all but the Turnstile secret), the ones added after too.
      expect(
        await asDataApi(
          'authenticated',
          'select id, daily_token_budget, turnstile_site_key, retention_days, model_notice from sites',
        ),
      ).toEqual([]);
      expect(await asDataApi('authenticated', 'select id from profiles')).toEqual([{ id: alice }]);
    });

    it.each([
      ['un-revokes a revoked key', 'update api_keys set revoked_at = null where id = $1', [ids.revokedKey]],
      ['sets a key hash', "update api_keys set key_hash = 'chosen' where id = $1", [ids.liveKey]],
      [
        'adds a key with a hash of its choosing',
        "insert into api_keys (user_id, name, prefix, key_hash) values ($1, 'mine', 'sk-parley-min', 'chosen')",
        [alice],
      ],
      ['reads a key hash', 'select key_hash from api_keys', []],
      ["reads its site's Turnstile secret", 'select turnstile_secret from sites', []],
      ['reads every column of its sites (the Turnstile secret among them)', 'select * from sites', []],
      [
        "attaches a new conversation to another user's site",
        'insert into conversations (user_id, site_id) values ($1, $2)',
        [alice, ids.bobSite],
      ],
      [
        "moves its conversation onto another user's site",
        'update conversations set site_id = $1 where id = $2',
        [ids.bobSite, ids.aliceConversation],
      ],
      ['raises its tier', "update profiles set tier = 'enterprise' where id = $1", [alice]],
      ['clears its Stripe customer', 'update profiles set stripe_customer_id = null where id = $1', [alice]],
      [
        'writes usage',
        "insert into usage_events (id, user_id, subject_type, subject_id, model, provider, input_tokens, output_tokens, occurred_at) values (gen_random_uuid(), $1, 'user', $2, 'm', 'p', -1000000, 0, now())",
        [alice, alice],
      ],
      [
        'writes a daily roll-up',
        "insert into usage_daily (user_id, day, model, input_tokens) values ($1, current_date, 'm', -1000000)",
        [alice],
      ],
      ['deletes its usage', 'delete from usage_events where user_id = $1', [alice]],
      [
        'publishes a share link with a snapshot of its choosing',
        "insert into shares (user_id, conversation_id, token, messages) values ($1, $2, 'chosen', '[]')",
        [alice, ids.aliceConversation],
      ],
      ['un-revokes a share link', 'update shares set revoked_at = null where user_id = $1', [alice]],
      ['marks a Stripe event processed', "insert into stripe_events (id, type) values ('evt_forged', 'x')", []],
    ])('refuses a signed-in user who %s (42501)', async (_what, statement, params) => {
      await expect(asDataApi('authenticated', statement, params)).rejects.toMatchObject({ code: '42501' });
    });

    it('leaves nothing changed behind those refusals', async () => {
      const keys = await owner.query(
        'select id, key_hash, revoked_at is not null as revoked from api_keys order by name',
      );
      expect(keys.rows).toEqual([
        { id: ids.liveKey, key_hash: 'hash-live', revoked: false },
        { id: ids.revokedKey, key_hash: 'hash-old', revoked: true },
      ]);
      const profile = await owner.query('select tier from profiles where id = $1', [alice]);
      expect(profile.rows).toEqual([{ tier: 'free' }]);
      const siteConversations = await owner.query('select count(*)::int as n from conversations where site_id = $1', [
        ids.bobSite,
      ]);
      expect(siteConversations.rows[0].n).toBe(0);
    });

    it('gives anon nothing at all', async () => {
      for (const table of ['profiles', 'api_keys', 'conversations', 'messages', 'sites', 'usage_events']) {
        await expect(asDataApi('anon', `select 1 from ${table} limit 1`)).rejects.toMatchObject({ code: '42501' });
      }
    });

    // Supabase grants the API roles everything on each new table in public: a table added by a later
    // migration without its own REVOKE fails here.
    it('lets neither API role write any table in public, and anon read none', async () => {
      const { rows } = await owner.query<{ grantee: string; table_name: string; privilege_type: string }>(
        `select grantee, table_name, privilege_type from information_schema.role_table_grants
          where table_schema = 'public' and grantee in ('anon', 'authenticated')
            and (grantee = 'anon' or privilege_type <> 'SELECT')
          order by 1, 2, 3`,
      );
      expect(rows).toEqual([]);
    });
  });
});
