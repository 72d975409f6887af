// Issue 20 (items 1 and 2): the operators' view. Only a signed-in operator (OPERATOR_EMAILS) reads
// /api/ops/*; every read is logged; the metrics equal what the seeded data implies, computed here
// on its own from the rows the test wrote (in a month of 2031 no other suite writes to).
import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { profiles, siteUsageDaily, sites, usageDaily, type Tier } from '../../drizzle/schema.ts';
import { app } from '../../worker/app.ts';
import worker from '../../worker/index.ts';
import { deadLetters } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { call, createKey, signIn } from './helpers.ts';
import { createSite, HOST, visit } from './widget-support.ts';

afterEach(() => vi.restoreAllMocks());

/** In the test bindings' OPERATOR_EMAILS (vitest.config.ts), in another case than there. */
const OPERATOR = 'Ops@Parley.example';

/** Every route mounted under /api/ops, as the app has them. */
const opsRoutes = app.routes
  .filter((route) => (route.path === '/api/ops' || route.path.startsWith('/api/ops/')) && route.method !== 'ALL')
  .map((route) => ({ method: route.method, path: route.path }));

describe('who may read /api/ops', () => {
  it('has routes to check', () => {
    expect(opsRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /api/ops/metrics', 'GET /api/ops/health']),
    );
  });

  it('refuses no token, a user who is no operator, an operator’s API key and a widget visitor, on every route', async () => {
    const user = await signIn();
    const operator = await signIn(OPERATOR);
    const { key } = await createKey(operator.token);
    const site = await createSite(user.token);
    const visitor = await visit(site.publicKey, HOST);
    // The app's question is answered to anyone signed in, and true only for an operator.
    for (const [token, operatorAnswer] of [
      [user.token, false],
      [operator.token, true],
      [key, false],
    ] as const)
      expect(await (await call('/api/me/operator', { token })).json()).toEqual({ operator: operatorAnswer });
    for (const { method, path } of opsRoutes) {
      const answers = await Promise.all(
        [undefined, user.token, key, visitor.token].map(async (token) => {
          const res = await call(path, { method, ...(token ? { token } : {}) });
          const body = await res.json<{ error: { code: string } }>();
          return [res.status, body.error.code];
        }),
      );
      expect({ path, answers }).toEqual({
        path,
        answers: [
          [401, 'unauthorized'],
          [403, 'not_operator'],
          [403, 'forbidden'],
          [401, 'unauthorized'],
        ],
      });
    }
  });

  it('lets an operator in, and logs who read what', async () => {
    const operator = await signIn(OPERATOR);
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const res = await call('/api/ops/metrics?from=2031-01-01&to=2031-01-02', { token: operator.token });
    expect(res.status).toBe(200);
    expect(await (await call('/api/me/operator', { token: operator.token })).json()).toEqual({ operator: true });
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'operator read');
    expect(logged).toMatchObject({
      operator: operator.userId,
      path: '/api/ops/metrics',
      query: '?from=2031-01-01&to=2031-01-02',
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('refuses a reversed or too long range with 400', async () => {
    const { token } = await signIn(OPERATOR);
    expect((await call('/api/ops/metrics?from=2031-02-01&to=2031-01-01', { token })).status).toBe(400);
    expect((await call('/api/ops/metrics?from=2029-01-01&to=2031-01-01', { token })).status).toBe(400);
    expect((await call('/api/ops/metrics?from=yesterday', { token })).status).toBe(400);
  });
});

type Seeded = { id: string; email: string; tier: Tier; signedUp: string };
type DailyRow = {
  userId: string;
  day: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
};

describe('the metrics', () => {
  // March 2031: six users sign up on three days; four of them use three models on four days.
  const users: Seeded[] = (
    [
      ['free', '2031-03-02T10:00:00Z'],
      ['free', '2031-03-02T23:59:59Z'],
      ['pro', '2031-03-05T00:00:00Z'],
      ['free', '2031-03-05T12:00:00Z'],
      ['enterprise', '2031-03-20T08:00:00Z'],
      ['pro', '2031-03-31T23:00:00Z'],
    ] as const
  ).map(([tier, signedUp], i) => ({
    id: crypto.randomUUID(),
    email: `m${i}-${crypto.randomUUID()}@example.com`,
    tier,
    signedUp,
  }));
  const u = (i: number) => users[i]!.id;
  const daily: DailyRow[] = [
    [u(0), '2031-03-02', 'anthropic/claude-sonnet-4-5', 3, 1_200, 300, '0.00810000'],
    [u(0), '2031-03-25', 'openai/gpt-4o-mini', 1, 100, 50, '0.00004500'],
    [u(1), '2031-03-25', 'anthropic/claude-sonnet-4-5', 2, 2_000, 1_000, '0.02100000'],
    [u(2), '2031-03-28', 'anthropic/claude-haiku-4-5', 10, 50_000, 9_000, '0.09500000'],
    [u(2), '2031-03-31', 'anthropic/claude-sonnet-4-5', 4, 3_000_000_000, 20_000, '9000.30000000'],
    [u(4), '2031-03-31', 'openai/gpt-4o-mini', 7, 7_000, 700, '0.00147000'],
    // Outside the range: counted nowhere.
    [u(3), '2031-04-01', 'openai/gpt-4o-mini', 9, 9, 9, '9.00000000'],
  ].map(
    ([userId, day, model, requests, inputTokens, outputTokens, costUsd]) =>
      ({
        userId,
        day,
        model,
        requests,
        inputTokens,
        outputTokens,
        costUsd,
      }) as DailyRow,
  );

  // Widget traffic: a site of the first user's on two days, and a site deleted since on one.
  const [shopId, goneId] = [crypto.randomUUID(), crypto.randomUUID()];
  const siteDaily = [
    {
      siteId: shopId,
      day: '2031-03-03',
      requests: 5,
      visitors: 2,
      inputTokens: 500,
      outputTokens: 50,
      costUsd: '0.01000000',
    },
    {
      siteId: shopId,
      day: '2031-03-04',
      requests: 7,
      visitors: 3,
      inputTokens: 700,
      outputTokens: 70,
      costUsd: '0.02000000',
    },
    {
      siteId: goneId,
      day: '2031-03-04',
      requests: 1,
      visitors: 1,
      inputTokens: 9,
      outputTokens: 9,
      costUsd: '0.00000900',
    },
  ];

  beforeAll(async () => {
    const db = createDb(env);
    await db
      .insert(profiles)
      .values(
        users.map((user) => ({ id: user.id, email: user.email, tier: user.tier, createdAt: new Date(user.signedUp) })),
      );
    await db.insert(usageDaily).values(daily);
    await db.insert(sites).values({
      id: shopId,
      userId: u(0),
      name: 'Shop',
      publicKey: `site_${crypto.randomUUID()}`,
      allowedOrigins: ['https://shop.example'],
      visitorRequestsPerMinute: 10,
    });
    await db.insert(siteUsageDaily).values(siteDaily);
    return async () => {
      await db.delete(siteUsageDaily).where(inArray(siteUsageDaily.siteId, [shopId, goneId]));
      await db.delete(profiles).where(
        inArray(
          profiles.id,
          users.map((user) => user.id),
        ),
      );
    };
  });

  it('equal what the seeded rows imply', async () => {
    const { token } = await signIn(OPERATOR);
    const res = await call('/api/ops/metrics?from=2031-03-01&to=2031-03-31', { token });
    expect(res.status).toBe(200);
    const metrics = await res.json<{
      topSpenders: unknown[];
      sites: unknown[];
      users: { tiers: Record<Tier, number> };
    }>();

    // Computed here, from the rows above, independently of the SQL.
    const inRange = daily.filter((row) => row.day >= '2031-03-01' && row.day <= '2031-03-31');
    const micro = (usd: string) => BigInt(usd.replace('.', ''));
    const usd = (units: bigint) => `${units / 100_000_000n}.${(units % 100_000_000n).toString().padStart(8, '0')}`;
    const sum = (rows: DailyRow[]) => ({
      requests: rows.reduce((n, r) => n + r.requests, 0),
      inputTokens: rows.reduce((n, r) => n + r.inputTokens, 0),
      outputTokens: rows.reduce((n, r) => n + r.outputTokens, 0),
      costUsd: usd(rows.reduce((n, r) => n + micro(r.costUsd), 0n)),
    });
    const signupDays = [...new Set(users.map((user) => user.signedUp.slice(0, 10)))].sort();
    const tiersNow = { free: 0, pro: 0, enterprise: 0 };
    for (const user of users) tiersNow[user.tier]++;
    const days = [...new Set(inRange.map((row) => row.day))].sort();
    const providers = [...new Set(inRange.map((row) => row.model.split('/')[0]!))].sort();
    const spenders = [...new Set(inRange.map((row) => row.userId))]
      .map((userId) => {
        const rows = inRange.filter((row) => row.userId === userId);
        const user = users.find((candidate) => candidate.id === userId)!;
        return {
          userId,
          email: user.email,
          tier: user.tier,
          tokens: rows.reduce((n, r) => n + r.inputTokens + r.outputTokens, 0),
          ...sum(rows),
        };
      })
      .sort((a, b) => (micro(b.costUsd) > micro(a.costUsd) ? 1 : -1));
    const activeIn = (from: string) => new Set(inRange.filter((row) => row.day >= from).map((row) => row.userId)).size;

    expect(metrics).toMatchObject({
      from: '2031-03-01',
      to: '2031-03-31',
      signups: {
        total: users.length,
        byDay: signupDays.map((day) => ({
          day,
          signups: users.filter((user) => user.signedUp.startsWith(day)).length,
        })),
        tiersNow,
      },
      users: {
        active: {
          byDay: days.map((day) => ({
            day,
            users: new Set(inRange.filter((r) => r.day === day).map((r) => r.userId)).size,
          })),
          daily: activeIn('2031-03-31'),
          weekly: activeIn('2031-03-25'),
          monthly: activeIn('2031-03-02'),
        },
      },
      usage: {
        byDay: [...inRange]
          .sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model))
          .map((row) => ({ day: row.day, provider: row.model.split('/')[0], model: row.model, ...sum([row]) })),
        byProvider: providers.map((provider) => ({
          provider,
          ...sum(inRange.filter((row) => row.model.startsWith(`${provider}/`))),
        })),
      },
    });
    // Top spenders run across every user: ours are the range's only spenders.
    expect(metrics.topSpenders).toEqual(spenders);
    // Sites, busiest first; the deleted one keeps its traffic without a name or owner.
    expect(metrics.sites).toEqual([
      {
        siteId: shopId,
        name: 'Shop',
        owner: users[0]!.email,
        visitors: 5,
        requests: 12,
        inputTokens: 1_200,
        outputTokens: 120,
        costUsd: '0.03000000',
      },
      {
        siteId: goneId,
        name: null,
        owner: null,
        visitors: 1,
        requests: 1,
        inputTokens: 9,
        outputTokens: 9,
        costUsd: '0.00000900',
      },
    ]);
    // Every user, whatever the range: at least ours.
    const everyone = metrics.users.tiers;
    for (const tier of ['free', 'pro', 'enterprise'] as const)
      expect(everyone[tier]).toBeGreaterThanOrEqual(tiersNow[tier]);
  });
});

describe('health at a glance', () => {
  type Health = {
    version: string;
    database: string;
    deadLetters: { count: number; oldest: string | null };
    crons: Array<{ job: string; cron: string; startedAt: string; ok: boolean; outcome: Record<string, unknown> }>;
  };

  it("shows the version, the database up, the dead letters and each cron job's last run", async () => {
    const before = Date.now();
    await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: new Date() }), env);
    const letter = { messageId: crypto.randomUUID(), queue: 'usage-events-dlq', reason: 'a test letter', body: null };
    await createDb(env).insert(deadLetters).values(letter);

    const { token } = await signIn(OPERATOR);
    const res = await call('/api/ops/health', { token });
    expect(res.status).toBe(200);
    const health = await res.json<Health>();
    expect(health).toMatchObject({ version: expect.any(String), database: 'up' });
    expect(health.deadLetters.count).toBeGreaterThanOrEqual(1);
    expect(Date.parse(health.deadLetters.oldest!)).toBeLessThanOrEqual(Date.now());
    const hourly = health.crons.find((run) => run.job === 'aggregate-usage');
    expect(hourly).toMatchObject({ cron: '0 * * * *', ok: true, outcome: { rowsUpserted: expect.any(Number) } });
    expect(Date.parse(hourly!.startedAt)).toBeGreaterThanOrEqual(before - 1000);
  });
});
