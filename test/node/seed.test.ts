// `npm run seed` is idempotent: run twice against a stack started as `npm start` starts it (one
// Worker on free ports and throwaway state), the second run changes no count, and the demo user's
// screens have data: the usage by day and the seeded conversations.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/ports.ts';
import { startStack, type Stack } from '../../scripts/lib/stack.ts';
import { SEED_CONVERSATIONS } from '../../scripts/seed/content.ts';
import { connectSeedDb, seedCounts } from '../../scripts/seed/database.ts';
import { DEMO_EMAIL, seed } from '../../scripts/seed/run.ts';
import { communityRows } from '../../scripts/seed/community.ts';
import { operationsRows } from '../../scripts/seed/operations.ts';
import { ParleyApi } from '../../scripts/seed/worker-api.ts';
import { VERSION } from '../../worker/version.ts';

const READY_TIMEOUT_MS = 120_000;
const OPERATOR = 'ops@seed.example';

describe('npm run seed', () => {
  let tmp: string;
  let log: number;
  let stack: Stack | undefined;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'parley-seed-'));
    log = openSync(join(tmp, 'stack.log'), 'w');
    // An empty env file keeps a developer's .dev.vars out of the test.
    writeFileSync(join(tmp, 'empty.env'), '');
    await mkdir(join(tmp, 'wrangler'));
    stack = await startStack({
      port: await freePort(),
      gatewayPort: 0,
      fakeUpstreamPort: 0,
      runtime: 'direct',
      dataDir: join(tmp, 'pglite'),
      persistTo: join(tmp, 'wrangler'),
      apiKeys: {},
      vars: { AUTH_MODE: 'dev', OPERATOR_EMAILS: OPERATOR },
      envFiles: [join(tmp, 'empty.env')],
      stdio: ['ignore', log, log],
    });
    if (!(await stack.ready(READY_TIMEOUT_MS))) {
      throw new Error(
        `the stack did not become healthy:\n${readFileSync(join(tmp, 'stack.log'), 'utf8').split('\n').slice(-30).join('\n')}`,
      );
    }
  }, READY_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await stack?.stop();
    closeSync(log);
    await rm(tmp, { recursive: true, force: true });
  });

  it('fails with a clear message when the stack is not up', async () => {
    const port = await freePort();
    await expect(
      seed({ parleyUrl: `http://127.0.0.1:${port}`, gatewayUrl: `http://127.0.0.1:${port}/sql` }),
    ).rejects.toThrow(`Parley is not running at http://127.0.0.1:${port}`);
  });

  it('changes nothing when run a second time, and fills the usage and conversation screens', async () => {
    const options = { parleyUrl: stack!.url, gatewayUrl: stack!.gateway.url };
    const first = await seed(options);
    const db = connectSeedDb(stack!.gateway.url);
    const afterFirst = await seedCounts(db, first.userId);
    // 13 replies in the nine conversations, and 71 replies in conversations deleted since, over 25 of the last 30 days.
    expect(afterFirst).toMatchObject({ conversations: 9, messages: 26, usage_events: 84, api_keys: 2, sites: 1 });
    expect(afterFirst.usage_daily).toBeGreaterThanOrEqual(25);
    // And the community of other users (scripts/seed/community.ts): their events and daily rows too.
    const community = communityRows(new Date());
    const operations = operationsRows(community, new Date());
    const othersEvents = [...community.usageEvents, ...operations.visitorEvents];
    const communityDaily = new Set(
      othersEvents.map((e) => `${e.userId}|${(e.occurredAt as Date).toISOString().slice(0, 10)}|${e.model}`),
    ).size;
    expect(community.profiles).toHaveLength(12);
    expect(first).toMatchObject({
      conversationsAdded: 9,
      messagesAdded: 26,
      usageEventsAdded: 84 + othersEvents.length,
      operatorRowsAdded:
        operations.timings.length +
        operations.refusals.length +
        operations.tierChanges.length +
        operations.invoices.length,
      keysCreated: 2,
      sitesCreated: 1,
    });
    expect(first.usageDailyRowsWritten).toBe(afterFirst.usage_daily + communityDaily);

    const second = await seed(options);
    expect(await seedCounts(db, first.userId)).toEqual(afterFirst);
    expect(second).toMatchObject({
      userId: first.userId,
      conversationsAdded: 0,
      messagesAdded: 0,
      usageEventsAdded: 0,
      usageDailyRowsWritten: 0,
      operatorRowsAdded: 0,
      keysCreated: 0,
      sitesCreated: 0,
    });

    const api = new ParleyApi(stack!.url);
    expect(await api.signIn(DEMO_EMAIL)).toBe(first.userId);
    const usage = await api.call<{ days: Array<{ day: string; requests: number }> }>('GET', '/api/usage');
    expect(new Set(usage.days.map((d) => d.day)).size).toBeGreaterThanOrEqual(20);
    expect(usage.days.reduce((sum, d) => sum + d.requests, 0)).toBe(84);
    // The Limiter, first woken by the seed's keys, counts this month's seeded tokens.
    const {
      rows: [month],
    } = await db.execute<{ tokens: number }>(sql`
      select coalesce(sum(input_tokens + output_tokens), 0)::int as tokens from usage_events
      where user_id = ${first.userId} and occurred_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'`);
    const me = await api.call<{ quota: { used: number } }>('GET', '/api/me');
    expect(me.quota.used).toBe(month!.tokens);
    expect(me.quota.used).toBeGreaterThan(0);
    const listed = await api.call<{ items: Array<{ id: string; title: string | null }> }>(
      'GET',
      '/api/conversations?limit=50',
    );
    expect(listed.items.map((c) => c.title).sort()).toEqual(SEED_CONVERSATIONS.map((c) => c.title).sort());
    // A seeded conversation opens in its room (adopted from Postgres) with every message and the reply's tokens and cost.
    const one = await api.call<{ messages: Array<{ role: string; outputTokens: number; costUsd: string }> }>(
      'GET',
      `/api/conversations/${listed.items[0]!.id}`,
    );
    expect(one.messages.length).toBeGreaterThanOrEqual(2);
    expect(one.messages.find((m) => m.role === 'assistant')?.outputTokens).toBeGreaterThan(0);

    // The operators' page has a month to show: the community's signups, tiers and spending.
    const ops = new ParleyApi(stack!.url);
    await ops.signIn(OPERATOR);
    const metrics = await ops.call<{
      signups: { total: number; tiersNow: Record<string, number> };
      usage: { byProvider: Array<{ provider: string }> };
      topSpenders: unknown[];
      sites: Array<{ name: string | null; requests: number }>;
      refusals: { total: number };
      tierChanges: { conversions: number };
    }>('GET', '/api/ops/metrics');
    expect(metrics.signups.total).toBeGreaterThanOrEqual(13);
    expect(metrics.signups.tiersNow).toMatchObject({ pro: 3, enterprise: 1 });
    expect(metrics.usage.byProvider.map((p) => p.provider)).toEqual(['anthropic', 'google', 'openai']);
    expect(metrics.topSpenders).toHaveLength(10);
    // Its widget traffic, refusals and conversions, as the seed wrote them.
    expect(metrics.sites).toEqual([
      expect.objectContaining({ name: operations.site.name, requests: operations.visitorEvents.length }),
    ]);
    expect(metrics.refusals.total).toBe(operations.refusals.reduce((n, r) => n + r.count, 0));
    expect(metrics.tierChanges.conversions).toBe(3);
    // Speed across the deploy: both versions, and every seeded reply counted once.
    const performance = await ops.call<{ byDay: Array<{ replies: number }>; versions: Array<{ version: string }> }>(
      'GET',
      '/api/ops/performance',
    );
    expect(performance.versions.map((v) => v.version)).toEqual(['0.0.9', VERSION]);
    expect(performance.byDay.reduce((n, row) => n + row.replies, 0)).toBe(operations.timings.length);
    const revenue = await ops.call<{ paid: Array<{ currency: string; amount: string }> }>('GET', '/api/ops/revenue');
    expect(revenue.paid).toEqual([{ currency: 'usd', amount: '1560.00', invoices: 4 }]);
  }, 60_000);
});
