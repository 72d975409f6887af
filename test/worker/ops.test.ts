// Issue 20 (items 1 to 3): the operators' view. Only a signed-in operator (OPERATOR_EMAILS) reads
// /api/ops/*; every read is logged; the metrics equal what the seeded data implies, computed here
// on its own from the rows the test wrote (in a month of 2031 no other suite writes to).
import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  invoices,
  profiles,
  refusalsDaily,
  replyTimings,
  siteUsageDaily,
  sites,
  tierChanges,
  usageDaily,
  type Tier,
} from '../../drizzle/schema.ts';
import { app } from '../../worker/app.ts';
import worker from '../../worker/index.ts';
import { deadLetters } from '../../drizzle/schema.ts';
import { createDb, withDatabase } from '../../worker/db/client.ts';
import { aggregateTimings } from '../../worker/jobs/aggregate-timings.ts';
import { sql } from 'drizzle-orm';
import {
  call,
  complete,
  createConversation,
  createKey,
  eventually,
  signIn,
  useUpFreeQuota,
  userWithKey,
} from './helpers.ts';
import { collectEvents } from './sse.ts';
import { createSite, HOST, visit, visitorConversation, visitorSend } from './widget-support.ts';
import { VERSION } from '../../worker/version.ts';

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

  // Refusal totals as the Limiters publish them, and tier changes as the trigger records them.
  const refusals = [
    [u(0), '2031-03-02', 'quota_exceeded', 'user', 3],
    [u(0), '2031-03-02', 'quota_exceeded', 'api_key', 4],
    [u(1), '2031-03-02', 'requests_per_minute', 'user', 40],
    [u(2), '2031-03-09', 'model_not_in_plan', 'visitor', 1],
    [u(3), '2031-04-01', 'quota_exceeded', 'user', 99],
  ].map(
    ([userId, day, reason, subjectType, count]) =>
      ({ userId, day, reason, subjectType, count }) as {
        userId: string;
        day: string;
        reason: string;
        subjectType: 'user' | 'api_key' | 'visitor';
        count: number;
      },
  );
  const changes = [
    [u(2), 'free', 'pro', '2031-03-05T00:10:00Z'],
    [u(5), 'free', 'pro', '2031-03-31T23:30:00Z'],
    [u(3), 'free', 'pro', '2031-03-06T09:00:00Z'],
    [u(3), 'pro', 'free', '2031-03-20T09:00:00Z'],
    [u(4), 'free', 'enterprise', '2031-03-20T08:05:00Z'],
    [u(0), 'free', 'pro', '2031-04-01T00:00:00Z'],
  ].map(([userId, fromTier, toTier, changedAt]) => ({
    userId: userId!,
    fromTier: fromTier as Tier,
    toTier: toTier as Tier,
    changedAt: new Date(changedAt!),
  }));

  // Invoices Stripe said were paid: two of the pro user's (one in April), the enterprise user's, a
  // pro user's with no usage, one of no Parley user, and one in euros.
  const paid = [
    [u(2), 2000, 'usd', '2031-03-05T00:11:00Z'],
    [u(2), 2000, 'usd', '2031-04-05T00:11:00Z'],
    [u(4), 50000, 'usd', '2031-03-20T09:00:00Z'],
    [u(5), 2000, 'usd', '2031-03-31T23:31:00Z'],
    [null, 2000, 'usd', '2031-03-10T00:00:00Z'],
    [u(0), 1000, 'eur', '2031-03-11T00:00:00Z'],
  ].map(([userId, amountPaid, currency, paidAt]) => ({
    id: `in_${crypto.randomUUID()}`,
    userId: userId as string | null,
    customerId: null,
    amountPaid: amountPaid as number,
    currency: currency as string,
    paidAt: new Date(paidAt as string),
  }));

  beforeAll(async () => {
    const db = createDb(env);
    await db.insert(invoices).values(paid);
    await db.insert(refusalsDaily).values(refusals);
    await db.insert(tierChanges).values(changes);
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
      const ids = users.map((user) => user.id);
      await db.delete(refusalsDaily).where(inArray(refusalsDaily.userId, ids));
      await db.delete(invoices).where(
        inArray(
          invoices.id,
          paid.map((invoice) => invoice.id),
        ),
      );
      await db.delete(tierChanges).where(inArray(tierChanges.userId, ids));
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
      tierChanges: { conversions: number; byDay: unknown[] };
      refusals: { total: number; byDay: unknown[] };
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
    // Refusals by day and reason, summed over users and subjects; the day in April is out.
    const refusedInRange = refusals.filter((r) => r.day <= '2031-03-31');
    const refusalGroups = Map.groupBy(refusedInRange, (r) => `${r.day}|${r.reason}`);
    expect(metrics.refusals).toEqual({
      total: refusedInRange.reduce((n, r) => n + r.count, 0),
      byDay: [...refusalGroups]
        .map(([key, rows]) => ({
          day: key.split('|')[0],
          reason: key.split('|')[1],
          count: rows.reduce((n, r) => n + r.count, 0),
        }))
        .sort((a, b) => a.day!.localeCompare(b.day!) || a.reason!.localeCompare(b.reason!)),
    });
    const changedInRange = changes.filter((c) => c.changedAt < new Date('2031-04-01T00:00:00Z'));
    expect(metrics.tierChanges).toEqual({
      conversions: changedInRange.filter((c) => c.fromTier === 'free' && c.toTier === 'pro').length,
      byDay: changedInRange
        .map((c) => ({ day: c.changedAt.toISOString().slice(0, 10), from: c.fromTier, to: c.toTier, users: 1 }))
        .sort((a, b) => a.day.localeCompare(b.day) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    });
    // Every user, whatever the range: at least ours.
    const everyone = metrics.users.tiers;
    for (const tier of ['free', 'pro', 'enterprise'] as const)
      expect(everyone[tier]).toBeGreaterThanOrEqual(tiersNow[tier]);
  });

  it('give revenue beside vendor cost: margin per tier and per model', async () => {
    const { token } = await signIn(OPERATOR);
    const res = await call('/api/ops/revenue?from=2031-03-01&to=2031-03-31', { token });
    expect(res.status).toBe(200);
    type Money = { revenueUsd: string; costUsd: string; marginUsd: string };
    const revenue = await res.json<{
      paid: Array<{ currency: string; amount: string; invoices: number }>;
      byTier: Array<{ tier: Tier } & Money>;
      byModel: Array<{ model: string } & Money>;
      unallocatedUsd: { noUser: string; noUsage: string };
    }>();

    // Computed here, from the rows above.
    const march = paid.filter((invoice) => invoice.paidAt < new Date('2031-04-01T00:00:00Z'));
    const dollars = (cents: number) => cents / 100;
    const usdPaidBy = (userId: string) =>
      dollars(march.filter((i) => i.userId === userId && i.currency === 'usd').reduce((n, i) => n + i.amountPaid, 0));
    const inRange = daily.filter((row) => row.day <= '2031-03-31');
    const costOf = (rows: DailyRow[]) => rows.reduce((n, r) => n + Number(r.costUsd), 0);
    const tierOf = (userId: string) => users.find((user) => user.id === userId)!.tier;

    expect(revenue.paid).toEqual([
      { currency: 'eur', amount: '10.00', invoices: 1 },
      {
        currency: 'usd',
        amount: dollars(march.filter((i) => i.currency === 'usd').reduce((n, i) => n + i.amountPaid, 0)).toFixed(2),
        invoices: march.filter((i) => i.currency === 'usd').length,
      },
    ]);
    const close = (actual: string, expected: number) => expect(Number(actual)).toBeCloseTo(expected, 6);
    for (const tier of ['free', 'pro', 'enterprise'] as const) {
      const row = revenue.byTier.find((r) => r.tier === tier)!;
      const tierUsers = users.filter((user) => user.tier === tier).map((user) => user.id);
      const tierRevenue = tierUsers.reduce((n, id) => n + usdPaidBy(id), 0);
      const tierCost = costOf(inRange.filter((r) => tierUsers.includes(r.userId)));
      close(row.revenueUsd, tierRevenue);
      close(row.costUsd, tierCost);
      close(row.marginUsd, tierRevenue - tierCost);
    }
    const models = [...new Set(inRange.map((row) => row.model))];
    const expectedModels = models
      .map((model) => {
        const cost = costOf(inRange.filter((r) => r.model === model));
        const allocated = [...new Set(inRange.map((r) => r.userId))].reduce((n, userId) => {
          const mine = inRange.filter((r) => r.userId === userId);
          const total = costOf(mine);
          return total > 0 ? n + (usdPaidBy(userId) * costOf(mine.filter((r) => r.model === model))) / total : n;
        }, 0);
        return { model, cost, allocated };
      })
      .sort((a, b) => b.cost - a.cost);
    expect(revenue.byModel.map((row) => row.model)).toEqual(expectedModels.map((m) => m.model));
    for (const [i, expected] of expectedModels.entries()) {
      close(revenue.byModel[i]!.costUsd, expected.cost);
      close(revenue.byModel[i]!.revenueUsd, expected.allocated);
      close(revenue.byModel[i]!.marginUsd, expected.allocated - expected.cost);
    }
    // The invoice of no user, and the pro user who paid and used nothing this month.
    expect(revenue.unallocatedUsd).toEqual({ noUser: '20.00000000', noUsage: '20.00000000' });
    expect(tierOf(u(5))).toBe('pro');
  });
});

describe('refusals and conversions as they happen', () => {
  type Count = { reason: string; subject_type: string; count: number };
  const countsOf = async (userId: string) =>
    (
      await createDb(env).execute<Count>(
        sql`select reason, subject_type, count from refusals_daily where user_id = ${userId} order by reason, subject_type`,
      )
    ).rows;

  it("counts each Limiter refusal by reason and subject, once, in the owner's daily totals", async () => {
    const { key, userId } = await userWithKey();
    const ask = (model: string) =>
      complete(key, { model, messages: [{ role: 'user', content: '[[fake tokens=2]] hi' }] });
    // Two asks for a model outside the free plan, then a burst past the key's stream slots and rate.
    for (let i = 0; i < 2; i++) expect((await ask('anthropic/claude-opus-4-7')).status).toBe(403);
    const burst = await Promise.all(
      Array.from({ length: 26 }, async () => {
        const res = await ask('openai/gpt-4o-mini');
        return res.status === 429 ? (await res.json<{ error: { message: string } }>()).error.message : res.status;
      }),
    );
    const refusedFor = (words: string) => burst.filter((m) => typeof m === 'string' && m.includes(words)).length;
    const expected = [
      { reason: 'concurrent_streams', subject_type: 'api_key', count: refusedFor('already streaming') },
      { reason: 'model_not_in_plan', subject_type: 'api_key', count: 2 },
      { reason: 'requests_per_minute', subject_type: 'api_key', count: refusedFor('Too many requests') },
    ].filter((row) => row.count > 0);
    expect(expected.length).toBeGreaterThan(1);
    expect(
      await eventually(
        () => countsOf(userId),
        (rows) => JSON.stringify(rows) === JSON.stringify(expected),
      ),
    ).toEqual(expected);
  });

  it('counts a quota refusal of a user who used the month up', async () => {
    const { token, userId } = await signIn();
    await useUpFreeQuota(userId);
    const id = await createConversation(token);
    expect(
      (await call(`/api/conversations/${id}/messages`, { method: 'POST', token, body: '{"content":"hi"}' })).status,
    ).toBe(402);
    expect(
      await eventually(
        () => countsOf(userId),
        (rows) => rows.length > 0,
      ),
    ).toEqual([{ reason: 'quota_exceeded', subject_type: 'user', count: 1 }]);
  });

  it('records a change of tier, whoever makes it, as a conversion', async () => {
    const { userId } = await signIn();
    const db = createDb(env);
    await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
    await db.execute(sql`update profiles set tier = 'pro' where id = ${userId}`);
    await db.execute(sql`update profiles set tier = 'pro' where id = ${userId}`); // no change, no row
    await db.execute(sql`update profiles set tier = 'free' where id = ${userId}`);
    const rows = await db.execute<{ from_tier: string; to_tier: string }>(
      sql`select from_tier, to_tier from tier_changes where user_id = ${userId} order by changed_at, from_tier desc`,
    );
    expect(rows.rows).toEqual([
      { from_tier: 'free', to_tier: 'pro' },
      { from_tier: 'pro', to_tier: 'free' },
    ]);
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

describe('speed from the edge', () => {
  type Timing = {
    id: string;
    surface: string;
    model: string;
    answered_by: string;
    status: string;
    error_code: string | null;
    ttft_ms: number | null;
    duration_ms: number;
    colo: string | null;
    version: string;
  };
  type Performance = {
    byDay: Array<{
      day: string;
      model: string;
      version: string;
      replies: number;
      errors: number;
      stopped: number;
      fallbacks: number;
      errorRate: number;
      fallbackRate: number;
      ttftMs: { p50: number | null; p95: number | null; p99: number | null };
      durationMs: { p50: number; p95: number };
    }>;
    versions: Array<{ version: string; firstDay: string }>;
  };
  const MODEL = 'anthropic/claude-sonnet-5-5';
  // The hourly cron's timing roll-up alone: the whole cron would also roll up usage_daily for every
  // user, under the feet of suites running beside this one (usage-jobs checks what other crons leave alone).
  const rollUpTimings = () => withDatabase(env, aggregateTimings);

  it('records each reply of a send, a fallback, a failure, a widget visitor and a /v1 call, and rolls them up', async () => {
    const { token } = await signIn();
    /** Sends in a new conversation from the Amsterdam colo; the reply's message id once it has streamed. */
    const send = async (content: string) => {
      const id = await createConversation(token, { model: MODEL });
      const res = await call(`/api/conversations/${id}/messages`, {
        method: 'POST',
        token,
        body: JSON.stringify({ content }),
        cf: { colo: 'AMS' },
      } as RequestInit & { token: string });
      await collectEvents(res.body!);
      return res.headers.get('x-message-id')!;
    };
    const key = crypto.randomUUID();
    const sent = await send('[[fake ttft=150 tokens=4]] hi');
    const fellBack = await send(`[[fake fail=529 failcount=3 retryafter=0 tokens=4 key=fb-${key}]] hi`);
    const failed = await send(`[[fake fail=400 key=bad-${key}]] hi`);

    const visitor = await visit((await createSite(token, { model: MODEL })).publicKey, HOST);
    const visitorReply = await visitorSend(visitor, await visitorConversation(visitor), 'hello');
    await collectEvents(visitorReply.body!);
    const { key: apiKey } = await createKey(token);
    const completion = await complete(apiKey, { model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    const completionId = (await completion.json<{ id: string }>()).id.replace('chatcmpl-', '');
    const v1Id = completionId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

    const ids = [sent, fellBack, failed, visitorReply.headers.get('x-message-id')!, v1Id];
    const db = createDb(env);
    const rows = await eventually(
      async () =>
        (await db.execute<Timing>(sql`select * from reply_timings where id in ${ids}`)).rows.sort(
          (a, b) => ids.indexOf(a.id) - ids.indexOf(b.id),
        ),
      (found) => found.length === ids.length,
    );
    expect(
      rows.map(({ surface, model, answered_by, status, error_code, colo, version }) => ({
        surface,
        model,
        answered_by,
        status,
        error_code,
        colo,
        version,
      })),
    ).toEqual([
      {
        surface: 'chat',
        model: MODEL,
        answered_by: MODEL,
        status: 'complete',
        error_code: null,
        colo: 'AMS',
        version: VERSION,
      },
      {
        surface: 'chat',
        model: MODEL,
        answered_by: 'anthropic/claude-haiku-4-5',
        status: 'complete',
        error_code: null,
        colo: 'AMS',
        version: VERSION,
      },
      {
        surface: 'chat',
        model: MODEL,
        answered_by: MODEL,
        status: 'error',
        error_code: 'bad_request',
        colo: 'AMS',
        version: VERSION,
      },
      {
        surface: 'widget',
        model: MODEL,
        answered_by: MODEL,
        status: 'complete',
        error_code: null,
        colo: null,
        version: VERSION,
      },
      {
        surface: 'v1',
        model: MODEL,
        answered_by: MODEL,
        status: 'complete',
        error_code: null,
        colo: null,
        version: VERSION,
      },
    ]);
    // The vendor held its first token 150 ms: the time to first token includes it, and the whole reply is longer.
    expect(rows[0]!.ttft_ms).toBeGreaterThanOrEqual(150);
    expect(rows[0]!.duration_ms).toBeGreaterThanOrEqual(rows[0]!.ttft_ms!);
    expect(rows[2]!.ttft_ms).toBeNull();

    await rollUpTimings();
    const today = new Date().toISOString().slice(0, 10);
    const { token: operator } = await signIn(OPERATOR);
    const res = await call(`/api/ops/performance?from=${today}&to=${today}`, { token: operator });
    expect(res.status).toBe(200);
    const performance = await res.json<Performance>();
    const row = performance.byDay.find((r) => r.model === MODEL && r.version === VERSION)!;
    // Other suites reply with this model today too: at least ours are in.
    expect(row.replies).toBeGreaterThanOrEqual(5);
    expect(row.fallbacks).toBeGreaterThanOrEqual(1);
    expect(row.errors).toBeGreaterThanOrEqual(1);
    expect(row.ttftMs.p99).toBeGreaterThanOrEqual(row.ttftMs.p50!);
    expect(performance.versions.map((v) => v.version)).toContain(VERSION);
  });

  it('gives the exact percentiles, rates and deploy markers the rows imply', async () => {
    // A model of its own, on two days of 2031, across a deploy: computed here from the rows written.
    const model = `test/percentiles-${crypto.randomUUID()}`;
    const random = (max: number) => Math.floor(Math.random() * max);
    const rows = Array.from({ length: 157 }, (_, i) => {
      const day = i < 100 ? '2031-05-10' : '2031-05-11';
      const status = i % 13 === 0 ? 'error' : i % 17 === 0 ? 'stopped' : 'complete';
      const ttftMs = status === 'error' ? null : 50 + random(3000);
      return {
        id: crypto.randomUUID(),
        surface: (['chat', 'widget', 'v1'] as const)[i % 3]!,
        model,
        answeredBy: i % 11 === 0 ? 'openai/gpt-4o-mini' : model,
        status,
        errorCode: status === 'error' ? 'upstream' : null,
        ttftMs,
        durationMs: (ttftMs ?? 0) + random(5000),
        colo: 'AMS',
        version: i < 130 ? '1.0.0-test' : '1.1.0-test',
        occurredAt: new Date(`${day}T${String(i % 24).padStart(2, '0')}:30:00Z`),
      };
    });
    const db = createDb(env);
    await db.insert(replyTimings).values(rows);
    await rollUpTimings();

    const { token } = await signIn(OPERATOR);
    const res = await call('/api/ops/performance?from=2031-05-10&to=2031-05-11', { token });
    const performance = await res.json<Performance>();
    /** Nearest rank: the smallest value at or above the fraction. */
    const percentile = (values: number[], p: number) =>
      values.length === 0 ? null : [...values].sort((a, b) => a - b)[Math.ceil(p * values.length) - 1]!;
    const groups = Map.groupBy(rows, (r) => `${r.occurredAt.toISOString().slice(0, 10)}|${r.version}`);
    const expected = [...groups]
      .map(([group, members]) => {
        const [day, version] = group.split('|') as [string, string];
        const ttfts = members.flatMap((r) => (r.ttftMs === null ? [] : [r.ttftMs]));
        const durations = members.map((r) => r.durationMs);
        const errors = members.filter((r) => r.status === 'error').length;
        const fallbacks = members.filter((r) => r.answeredBy !== model).length;
        return {
          day,
          model,
          version,
          replies: members.length,
          errors,
          stopped: members.filter((r) => r.status === 'stopped').length,
          fallbacks,
          errorRate: Math.round((errors / members.length) * 10_000) / 10_000,
          fallbackRate: Math.round((fallbacks / members.length) * 10_000) / 10_000,
          ttftMs: { p50: percentile(ttfts, 0.5), p95: percentile(ttfts, 0.95), p99: percentile(ttfts, 0.99) },
          durationMs: { p50: percentile(durations, 0.5)!, p95: percentile(durations, 0.95)! },
        };
      })
      .sort((a, b) => a.day.localeCompare(b.day) || a.version.localeCompare(b.version));
    expect(performance.byDay.filter((r) => r.model === model)).toEqual(expected);
    expect(performance.versions.filter((v) => v.version.endsWith('-test'))).toEqual([
      { version: '1.0.0-test', firstDay: '2031-05-10' },
      { version: '1.1.0-test', firstDay: '2031-05-11' },
    ]);
  });
});
