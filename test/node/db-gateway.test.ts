// The gateway must be indistinguishable from Neon to the real driver and Drizzle neon-http:
// same values and JS types, same errors, same transaction semantics, on PGlite and server Postgres.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neon, neonConfig, NeonDbError, type NeonQueryFunction } from '@neondatabase/serverless';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import { bigint, boolean, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway, type GatewayOptions } from '../../scripts/db-gateway.ts';
import { parseLatencyMs } from '../../scripts/db-gateway/latency.ts';
import { parseStatementTimeoutMs } from '../../scripts/db-gateway/guard.ts';

// The driver checks the URL's shape; the gateway ignores its contents.
const CONNECTION_STRING = 'postgresql://user:pass@127.0.0.1/db';

const BACKENDS = [
  { name: 'pglite', enabled: true },
  { name: 'postgres', enabled: Boolean(process.env.TEST_DATABASE_URL) },
] as const;

function makeTable(name: string) {
  return pgTable(name, {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    at: timestamp('at', { withTimezone: true }),
    doc: jsonb('doc'),
    big: bigint('big', { mode: 'bigint' }),
    amount: numeric('amount'),
    flag: boolean('flag'),
    tags: text('tags').array(),
    n: integer('n'),
  });
}

/** POSTs straight to the gateway, for what the driver would never send. */
async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Neon-Connection-String': CONNECTION_STRING, 'Neon-Raw-Text-Output': 'true', ...headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

describe.each(BACKENDS)('db gateway on $name', ({ name, enabled }) => {
  describe.skipIf(!enabled)(enabled ? 'with the real Neon driver' : 'skipped: set TEST_DATABASE_URL', () => {
    const tableName = `gw_test_${name}_${randomUUID().slice(0, 8)}`;
    const table = makeTable(tableName);
    let gateway: Gateway;
    let dataDir: string | undefined;
    let sql: NeonQueryFunction<false, false>;
    let db: ReturnType<typeof drizzle>;

    beforeAll(async () => {
      const options: GatewayOptions = { port: 0 };
      if (name === 'postgres') options.databaseUrl = process.env.TEST_DATABASE_URL;
      else options.dataDir = dataDir = await mkdtemp(join(tmpdir(), 'gw-test-'));
      gateway = await startGateway(options);
      neonConfig.fetchEndpoint = gateway.url;
      sql = neon(CONNECTION_STRING);
      db = drizzle(sql);
      await sql.query(`create table ${tableName} (
        id uuid primary key default gen_random_uuid(), slug text not null unique, at timestamptz,
        doc jsonb, big bigint, amount numeric, flag boolean, tags text[], n integer)`);
    });

    afterAll(async () => {
      if (gateway) {
        neonConfig.fetchEndpoint = gateway.url;
        await sql.query(`drop table if exists ${tableName}`);
        await gateway.close();
      }
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('reports which backend it runs and listens on loopback', () => {
      expect(gateway.backend).toBe(name);
      expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sql$/);
    });

    it('round-trips uuid, timestamptz, jsonb, bigint, numeric, boolean, text[] and null through Drizzle', async () => {
      const row = {
        id: randomUUID(),
        slug: `types-${randomUUID()}`,
        at: new Date('2024-02-29T23:59:58.123Z'),
        doc: { text: 'héllo "quoted" \\ back', nested: { list: [1, 2.5, null, true] }, emoji: '🦜' },
        big: 9007199254740993n, // beyond Number.MAX_SAFE_INTEGER
        amount: '12345.678900',
        flag: false,
        tags: ['plain', 'comma,inside', 'quote"inside', 'back\\slash', '', 'NULL', 'spa ce', '{braces}'],
        n: -42,
      };
      const empty = {
        slug: `nulls-${randomUUID()}`,
        at: null,
        doc: null,
        big: null,
        amount: null,
        flag: null,
        tags: null,
        n: null,
      };

      const inserted = await db.insert(table).values([row, empty]).returning();
      const [fetched] = await db.select().from(table).where(eq(table.id, row.id));

      for (const got of [inserted[0], fetched]) {
        expect(got).toEqual(row);
        expect(got?.at).toBeInstanceOf(Date);
        expect(typeof got?.big).toBe('bigint');
      }
      const [nulls] = await db.select().from(table).where(eq(table.slug, empty.slug));
      expect(nulls).toMatchObject(empty);
      expect(nulls?.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('hands the driver the JS types Neon does, parsed from Postgres text by dataTypeID', async () => {
      const result = await sql.query(
        `select $1::uuid as u, $2::timestamptz as t, $3::jsonb as j, $4::int8 as b, $5::numeric as num,
                $6::boolean as f, $7::text[] as arr, null::text as nothing, 7::int4 as i`,
        [
          randomUUID(),
          new Date('2024-01-02T03:04:05.123Z'),
          JSON.stringify({ a: [1] }),
          5n,
          '1.50',
          true,
          ['x', 'y z'],
        ],
        { fullResults: true },
      );
      const [values] = result.rows;
      expect(values).toEqual({
        u: expect.stringMatching(/^[0-9a-f-]{36}$/),
        // Creating a drizzle-orm/neon-http instance resets the driver's global timestamp parsers to
        // identity (Drizzle parses them itself), so the raw driver sees Postgres text, on Neon too.
        t: '2024-01-02 03:04:05.123+00',
        j: { a: [1] },
        b: '5', // int8 stays a string in the driver, as on Neon
        num: '1.50',
        f: true,
        arr: ['x', 'y z'],
        nothing: null,
        i: 7,
      });
      expect(result.command).toBe('SELECT');
      expect(result.rowCount).toBe(1);
      expect(result.fields.map((f) => f.dataTypeID)).toEqual([2950, 1184, 3802, 20, 1700, 16, 1009, 25, 23]);
    });

    it('answers with the text Postgres prints, in UTC like Neon', async () => {
      const { status, json } = await post(
        gateway.url,
        JSON.stringify({
          query: `select '2024-01-02T03:04:05.123+02:00'::timestamptz as t, true as f, array['a','b,c',null] as arr,
                         '{"b": 1, "a": [true]}'::jsonb as j, 10::int8 as b, null as nothing`,
        }),
        { 'Neon-Array-Mode': 'true' },
      );
      expect(status).toBe(200);
      expect(json.rows).toEqual([
        ['2024-01-02 01:04:05.123+00', 't', '{a,"b,c",NULL}', '{"a": [true], "b": 1}', '10', null],
      ]);
      expect(json.rowAsArray).toBe(true);
      expect(json.fields[0]).toEqual({
        name: 't',
        dataTypeID: 1184,
        tableID: 0,
        columnID: 0,
        dataTypeSize: 8,
        dataTypeModifier: -1,
        format: 'text',
      });
    });

    it('returns rows as objects without array mode, and honours a per-query arrayMode in a batch', async () => {
      const single = await post(gateway.url, JSON.stringify({ query: 'select 1 as one, 2 as two' }));
      expect(single.json.rows).toEqual([{ one: '1', two: '2' }]);
      expect(single.json.rowAsArray).toBe(false);

      const batch = await post(
        gateway.url,
        JSON.stringify({ queries: [{ query: 'select 1 as one' }, { query: 'select 2 as two', arrayMode: true }] }),
      );
      expect(batch.json.results.map((r: any) => r.rows)).toEqual([[{ one: '1' }], [['2']]]);
    });

    it('converts non-string JSON params to Postgres text as Neon does', async () => {
      const { json } = await post(
        gateway.url,
        JSON.stringify({
          query: 'select $1::int as n, $2::boolean as b, $3::jsonb as j, $4::text[] as arr, $5::text as nothing',
          params: [42, false, { k: 'v' }, ['a', 'b"c', null, 3], null],
        }),
        { 'Neon-Array-Mode': 'true' },
      );
      expect(json.rows).toEqual([['42', 'f', '{"k": "v"}', '{a,"b\\"c",NULL,3}', null]]);
    });

    it('reports command and rowCount from the command tag', async () => {
      const slug = `count-${randomUUID()}`;
      const insert = await sql.query(`insert into ${tableName} (slug) values ($1), ($2)`, [slug, `${slug}-2`], {
        fullResults: true,
      });
      expect(insert).toMatchObject({ command: 'INSERT', rowCount: 2, rows: [] });
      const update = await sql.query(`update ${tableName} set n = 1 where slug like $1`, [`${slug}%`], {
        fullResults: true,
      });
      expect(update).toMatchObject({ command: 'UPDATE', rowCount: 2 });
    });

    it('surfaces a unique violation as a NeonDbError with code 23505 and the constraint', async () => {
      const slug = `dup-${randomUUID()}`;
      await db.insert(table).values({ slug });
      const error = await db
        .insert(table)
        .values({ slug })
        .catch((e: unknown) => e);
      const cause = (error as Error).cause ?? error; // Drizzle wraps driver errors
      expect(cause).toBeInstanceOf(NeonDbError);
      expect(cause).toMatchObject({
        code: '23505',
        constraint: `${tableName}_slug_key`,
        table: tableName,
        schema: 'public',
        severity: 'ERROR',
        detail: `Key (slug)=(${slug}) already exists.`,
        message: expect.stringContaining('duplicate key value violates unique constraint'),
      });
    });

    it('reports a syntax error with its position', async () => {
      const error = await sql.query('select * fromm nowhere').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NeonDbError);
      expect(error).toMatchObject({ code: '42601', position: '10' });
    });

    it('refuses several commands in one statement, as Neon does', async () => {
      const error = await sql.query('select 1; select 2').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '42601', message: expect.stringContaining('multiple commands') });
    });

    it('commits a Drizzle batch as one transaction and returns each result', async () => {
      const slug = `batch-${randomUUID()}`;
      const [inserted, selected] = await db.batch([
        db.insert(table).values({ slug, n: 1 }).returning({ slug: table.slug }),
        db.select({ n: table.n }).from(table).where(eq(table.slug, slug)),
      ]);
      expect(inserted).toEqual([{ slug }]);
      expect(selected).toEqual([{ n: 1 }]); // the second statement sees the first: same transaction
    });

    it('rolls back a failing Drizzle batch entirely', async () => {
      const slug = `rollback-drizzle-${randomUUID()}`;
      const existing = `existing-${randomUUID()}`;
      await db.insert(table).values({ slug: existing });
      const error = await db
        .batch([db.insert(table).values({ slug }), db.insert(table).values({ slug: existing })])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(await db.select().from(table).where(eq(table.slug, slug))).toEqual([]);
    });

    it('rolls back a failing driver transaction entirely', async () => {
      const slug = `rollback-driver-${randomUUID()}`;
      const error = await sql
        .transaction([
          sql`insert into ${sql.unsafe(tableName)} (slug) values (${slug})`,
          sql`update ${sql.unsafe(tableName)} set n = 1 where slug = ${slug}`,
          sql`select 1 / 0`,
        ])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '22012' });
      expect(await sql`select count(*)::int as c from ${sql.unsafe(tableName)} where slug = ${slug}`).toEqual([
        { c: 0 },
      ]);
    });

    it('starts a batch with the isolation level, read only and deferrable from the headers', async () => {
      const [[iso], [ro], [def]] = await sql.transaction(
        [sql`show transaction_isolation`, sql`show transaction_read_only`, sql`show transaction_deferrable`],
        { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
      );
      expect([iso, ro, def]).toEqual([
        { transaction_isolation: 'serializable' },
        { transaction_read_only: 'on' },
        { transaction_deferrable: 'on' },
      ]);
      const [[defaults]] = await sql.transaction([sql`show transaction_isolation`]);
      expect(defaults).toEqual({ transaction_isolation: 'read committed' });
    });

    it('refuses a write in a read-only batch', async () => {
      const slug = `readonly-${randomUUID()}`;
      const error = await sql
        .transaction([sql`insert into ${sql.unsafe(tableName)} (slug) values (${slug})`], { readOnly: true })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '25006' });
      expect(await sql`select slug from ${sql.unsafe(tableName)} where slug = ${slug}`).toEqual([]);
    });

    it('starts every request from a fresh session: no open transaction or setting leaks', async () => {
      const slug = `session-${randomUUID()}`;
      await sql.query('begin');
      await sql.query(`insert into ${tableName} (slug) values ($1)`, [slug]);
      await sql.query('rollback'); // nothing to roll back: the insert committed on its own
      expect(await sql.query(`select slug from ${tableName} where slug = $1`, [slug])).toEqual([{ slug }]);

      await sql.query(`select set_config('parley.leak', 'yes', false)`);
      await sql.query(`set time zone 'Asia/Tokyo'`);
      const [after] = await sql.query(
        `select current_setting('parley.leak', true) as leak, current_setting('TimeZone') as tz`,
      );
      expect(after?.leak).not.toBe('yes');
      expect(after?.tz).toBe('UTC');
    });

    it('serves many concurrent requests and batches, each batch isolated', async () => {
      const prefix = `concurrent-${randomUUID()}`;
      const singles = Array.from({ length: 40 }, (_, i) =>
        sql.query(`insert into ${tableName} (slug, n) values ($1, $2) returning n`, [`${prefix}-s${i}`, i]),
      );
      const batches = Array.from({ length: 10 }, (_, i) =>
        sql.transaction([
          sql`insert into ${sql.unsafe(tableName)} (slug, n) values (${`${prefix}-b${i}`}, ${i})`,
          sql`select n from ${sql.unsafe(tableName)} where slug = ${`${prefix}-b${i}`}`,
        ]),
      );
      const failing = Array.from({ length: 5 }, (_, i) =>
        sql
          .transaction([
            sql`insert into ${sql.unsafe(tableName)} (slug) values (${`${prefix}-f${i}`})`,
            sql`select 1 / 0`,
          ])
          .then(
            () => 'committed',
            () => 'rolled back',
          ),
      );
      const [singleResults, batchResults, failingResults] = await Promise.all([
        Promise.all(singles),
        Promise.all(batches),
        Promise.all(failing),
      ]);
      expect(singleResults.map(([row]) => row?.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(batchResults.map(([, rows]) => rows[0]?.n)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(failingResults).toEqual(Array(5).fill('rolled back'));
      const [count] = await sql.query(`select count(*)::int as c from ${tableName} where slug like $1`, [`${prefix}%`]);
      expect(count).toEqual({ c: 50 });
    });

    it.each([
      ['body that is not JSON', '{"query":', {}, 400, /not valid JSON/],
      ['body that is not an object', '[1]', {}, 400, /JSON object/],
      ['missing query', '{"params":[]}', {}, 400, /`query`.*`queries`/],
      ['query that is not a string', '{"query":1}', {}, 400, /query must be a string/],
      ['params that are not an array', '{"query":"select 1","params":"x"}', {}, 400, /params must be an array/],
      ['queries that are not an array', '{"queries":{}}', {}, 400, /queries` must be an array/],
      [
        'a batch item without query',
        '{"queries":[{"query":"select 1"},{}]}',
        {},
        400,
        /queries\[1\]\.query must be a string/,
      ],
      [
        'arrayMode that is not a boolean',
        '{"query":"select 1","arrayMode":"yes"}',
        {},
        400,
        /arrayMode must be a boolean/,
      ],
      [
        'an unknown isolation level',
        '{"queries":[]}',
        { 'Neon-Batch-Isolation-Level': 'Chaos' },
        400,
        /Isolation-Level/,
      ],
      [
        'no connection string header',
        '{"query":"select 1"}',
        { 'Neon-Connection-String': '' },
        400,
        /Neon-Connection-String/,
      ],
    ])('refuses a request with %s', async (_, body, headers, status, message) => {
      const response = await post(gateway.url, body, headers);
      expect(response.status).toBe(status);
      expect(response.json.message).toMatch(message);
    });

    it('refuses wrong methods, unknown paths, foreign hosts and oversized bodies, then keeps serving', async () => {
      const get = await fetch(gateway.url);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(((await get.json()) as { message: string }).message).toMatch(/POST/);

      const unknown = await fetch(gateway.url.replace(/\/sql$/, '/nope'), { method: 'POST', body: '{}' });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { message: string }).message).toMatch(/\/nope/);

      const rebound = await rawRequest(gateway.url, { Host: 'evil.example:80' });
      expect(rebound.status).toBe(403);

      const huge = await post(gateway.url, JSON.stringify({ query: 'select 1', pad: 'x'.repeat(10 * 1024 * 1024) }));
      expect(huge.status).toBe(413);
      expect(huge.json.message).toMatch(/exceeds/);

      expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
    });

    it('runs an empty batch as an empty transaction', async () => {
      expect(await sql.transaction([])).toEqual([]);
    });

    it('answers every request at least its latency late, and the latency can change while it runs', async () => {
      const timed = async () => {
        const started = performance.now();
        expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
        return performance.now() - started;
      };
      try {
        gateway.setLatency(150);
        expect(gateway.latencyMs).toBe(150);
        const [first, second] = await Promise.all([timed(), timed()]);
        // Side by side, not queued: two requests together take one latency, not two.
        expect(first).toBeGreaterThanOrEqual(150);
        expect(second).toBeGreaterThanOrEqual(150);
        expect(Math.max(first, second)).toBeLessThan(300);
      } finally {
        gateway.setLatency(0);
      }
      expect(await timed()).toBeLessThan(150);
      expect(() => gateway.setLatency(-1)).toThrow(/0 or more/);
      expect(gateway.latencyMs).toBe(0);
    });
  });
});

describe('db gateway latency setting (GATEWAY_LATENCY_MS)', () => {
  it('starts with the latency it is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-latency-'));
    const gateway = await startGateway({ dataDir: join(dir, 'pglite'), port: 0, latencyMs: 120 });
    try {
      expect(gateway.latencyMs).toBe(120);
      const started = performance.now();
      expect((await post(gateway.url, JSON.stringify({ query: 'select 1 as ok' }))).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(120);
    } finally {
      await gateway.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([-5, 1.5, Number.NaN])('refuses latencyMs %s before opening a database', async (latencyMs) => {
    await expect(startGateway({ dataDir: '/nonexistent/never-created', port: 0, latencyMs })).rejects.toThrow(
      /latencyMs must be a whole number of milliseconds/,
    );
  });

  it.each(['', '0', ' 50 '])('reads GATEWAY_LATENCY_MS=%j as a number of milliseconds', (value) => {
    expect(parseLatencyMs(value)).toBe(value.trim() === '' ? 0 : Number(value));
    expect(parseLatencyMs(undefined)).toBe(0);
  });

  it.each(['-1', '1.5', 'fast', '50ms', '1e3'])(
    'refuses GATEWAY_LATENCY_MS=%j with a message naming the variable',
    (value) => {
      expect(() => parseLatencyMs(value)).toThrow(
        /GATEWAY_LATENCY_MS must be a whole number of milliseconds, 0 or more/,
      );
    },
  );

  it('exits with that message when run with a bad GATEWAY_LATENCY_MS', () => {
    const run = spawnSync(process.execPath, ['scripts/db-gateway.ts'], {
      env: {
        ...process.env,
        GATEWAY_LATENCY_MS: 'soon',
        PARLEY_DATA_DIR: '/nonexistent/never-created',
        GATEWAY_PORT: '0',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/GATEWAY_LATENCY_MS must be a whole number of milliseconds, 0 or more .*got 'soon'/);
  });
});

describe('db gateway migrations (PGlite)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gw-migrations-'));
    const migrations = join(dir, 'migrations');
    await mkdir(join(migrations, 'meta'), { recursive: true });
    await writeFile(
      join(migrations, 'meta', '_journal.json'),
      JSON.stringify({
        version: '7',
        dialect: 'postgresql',
        entries: [{ idx: 0, version: '7', when: 1700000000000, tag: '0000_x', breakpoints: true }],
      }),
    );
    await writeFile(
      join(migrations, '0000_x.sql'),
      `CREATE TABLE migrated (id integer PRIMARY KEY, note text);\n--> statement-breakpoint\nINSERT INTO migrated VALUES (1, 'seeded');\n`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a migrations folder once, and keeps data across restarts', async () => {
    const options = { dataDir: join(dir, 'pglite'), port: 0, migrationsFolder: join(dir, 'migrations') };
    const sql = neon(CONNECTION_STRING);

    const first = await startGateway(options);
    try {
      neonConfig.fetchEndpoint = first.url;
      expect(await sql`select id, note from migrated`).toEqual([{ id: 1, note: 'seeded' }]);
      await sql`insert into migrated values (2, 'written before restart')`;
    } finally {
      await first.close();
    }

    const second = await startGateway(options); // would fail on CREATE TABLE if re-applied
    try {
      neonConfig.fetchEndpoint = second.url;
      expect(await sql`select id from migrated order by id`).toEqual([{ id: 1 }, { id: 2 }]);
      expect(await sql`select count(*)::int as c from drizzle.__drizzle_migrations`).toEqual([{ c: 1 }]);
    } finally {
      await second.close();
    }
  });
});

/** fetch() will not send a forged Host header; node:http will. */
async function rawRequest(url: string, headers: Record<string, string>): Promise<{ status: number }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'Neon-Connection-String': CONNECTION_STRING, ...headers } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    req.on('error', reject);
    req.end('{"query":"select 1"}');
  });
}

describe('db gateway refusals and statement timeout (issue 11)', () => {
  const REFUSED = [
    "copy (select 1) to program 'sleep 600'",
    "COPY pg_catalog.pg_class FROM PROGRAM 'cat /etc/passwd'",
    "copy (select 1) to '/tmp/parley-gateway-test.csv'",
    "copy gw_any from E'/etc/hosts'",
    "select pg_read_file('/etc/passwd')",
    "select * from pg_ls_dir('.')",
    "select lo_import('/etc/hosts')",
    "do $$ begin execute 'copy (select 1) to program ''id'''; end $$",
    "alter system set log_statement = 'all'",
  ];

  describe.each(BACKENDS)('on $name', ({ name, enabled }) => {
    describe.skipIf(!enabled)(enabled ? 'with the real Neon driver' : 'skipped: set TEST_DATABASE_URL', () => {
      let gateway: Gateway;
      let dataDir: string | undefined;
      let sql: NeonQueryFunction<false, false>;

      beforeAll(async () => {
        const options: GatewayOptions = { port: 0, statementTimeoutMs: 400 };
        if (name === 'postgres') options.databaseUrl = process.env.TEST_DATABASE_URL;
        else options.dataDir = dataDir = await mkdtemp(join(tmpdir(), 'gw-guard-'));
        gateway = await startGateway(options);
        neonConfig.fetchEndpoint = gateway.url;
        sql = neon(CONNECTION_STRING);
      });

      afterAll(async () => {
        await gateway?.close();
        if (dataDir) await rm(dataDir, { recursive: true, force: true });
      });

      it.each(REFUSED)('refuses %s with a Postgres-shaped 42501, and keeps serving', async (statement) => {
        neonConfig.fetchEndpoint = gateway.url;
        const error = await sql.query(statement).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(NeonDbError);
        expect(error).toMatchObject({
          code: '42501',
          severity: 'ERROR',
          message: expect.stringMatching(/^permission denied: the development database gateway refuses /),
        });
        expect(await sql.query('select 1 as one')).toEqual([{ one: 1 }]);
      });

      it('refuses a batch holding one such statement whole: nothing in it runs', async () => {
        neonConfig.fetchEndpoint = gateway.url;
        const table = `gw_guard_${randomUUID().slice(0, 8)}`;
        await sql.query(`create table ${table} (n integer)`);
        const error = await sql
          .transaction([sql.query(`insert into ${table} values (1)`), sql.query(`copy ${table} to '/tmp/x'`)])
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toMatchObject({ code: '42501' });
        expect(await sql.query(`select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
        await sql.query(`drop table ${table}`);
      });

      it('still runs what the application sends, words like "copy" in parameters included', async () => {
        neonConfig.fetchEndpoint = gateway.url;
        expect(await sql.query('select $1::text as said', ["copy (select 1) to program 'id'"])).toEqual([
          { said: "copy (select 1) to program 'id'" },
        ]);
      });

      it.skipIf(name !== 'postgres')(
        'cancels a statement that runs past the statement timeout with 57014, then serves the next',
        async () => {
          neonConfig.fetchEndpoint = gateway.url;
          const started = Date.now();
          const error = await sql.query('select pg_sleep(10)').then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
          expect(Date.now() - started).toBeLessThan(5000);
          expect(await sql.query('select 1 as one')).toEqual([{ one: 1 }]);
        },
      );
    });
  });

  it('reads GATEWAY_STATEMENT_TIMEOUT_MS: 30 s unless set, 0 for none, refusing nonsense', () => {
    expect(parseStatementTimeoutMs(undefined)).toBe(30_000);
    expect(parseStatementTimeoutMs('')).toBe(30_000);
    expect(parseStatementTimeoutMs('0')).toBe(0);
    expect(parseStatementTimeoutMs('1500')).toBe(1500);
    expect(() => parseStatementTimeoutMs('-1')).toThrow(/GATEWAY_STATEMENT_TIMEOUT_MS/);
    expect(() => parseStatementTimeoutMs('soon')).toThrow(/GATEWAY_STATEMENT_TIMEOUT_MS/);
  });
});
