// Issue 7: GET /api/usage, the caller's own usage by day and model, after the hourly roll-up.
import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { profiles, usageEvents } from '../../drizzle/schema.ts';
import worker from '../../worker/index.ts';
import { createDb } from '../../worker/db/client.ts';
import { call, signIn, type ErrorEnvelope } from './helpers.ts';

const DAY_MS = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

async function recordUsage(
  userId: string,
  events: Array<{ at: number; model: string; input: number; output: number; cost: string }>,
) {
  const db = createDb(env);
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  await db.insert(usageEvents).values(
    events.map((e) => ({
      id: crypto.randomUUID(),
      userId,
      subjectType: 'user' as const,
      subjectId: userId,
      model: e.model,
      provider: e.model.split('/')[0]!,
      inputTokens: e.input,
      outputTokens: e.output,
      costUsd: e.cost,
      occurredAt: new Date(e.at),
    })),
  );
}

describe('GET /api/usage', () => {
  it("returns the caller's tokens, requests and exact cost by day and model once the hourly job has run, and nobody else's", async () => {
    const me = await signIn();
    const other = await signIn();
    const today = Date.now();
    const yesterday = today - DAY_MS;
    await recordUsage(me.userId, [
      { at: yesterday, model: 'openai/gpt-4.1-mini', input: 100, output: 50, cost: '0.00012000' },
      { at: today, model: 'anthropic/claude-sonnet-5-5', input: 10, output: 5, cost: '0.00007000' },
      { at: today, model: 'anthropic/claude-sonnet-5-5', input: 20, output: 10, cost: '0.00014000' },
    ]);
    await recordUsage(other.userId, [
      { at: today, model: 'openai/gpt-4.1-mini', input: 999, output: 999, cost: '1.00000000' },
    ]);
    const path = `/api/usage?from=${isoDay(yesterday)}&to=${isoDay(today)}`;
    expect((await (await call(path, { token: me.token })).json<any>()).days).toEqual([]); // not rolled up yet

    await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: new Date() }), env);
    const usage = await (await call(path, { token: me.token })).json<any>();
    expect(usage).toEqual({
      from: isoDay(yesterday),
      to: isoDay(today),
      days: [
        {
          day: isoDay(yesterday),
          model: 'openai/gpt-4.1-mini',
          requests: 1,
          inputTokens: 100,
          outputTokens: 50,
          costUsd: '0.00012000',
        },
        {
          day: isoDay(today),
          model: 'anthropic/claude-sonnet-5-5',
          requests: 2,
          inputTokens: 30,
          outputTokens: 15,
          costUsd: '0.00021000',
        },
      ],
      totals: { requests: 3, inputTokens: 130, outputTokens: 65, costUsd: '0.00033000' },
      // Issue 24: what the caller's files take (none), against the free plan's 50 MB.
      storage: { usedBytes: 0, limitBytes: 50 * 1024 * 1024, files: 0 },
    });
  });

  it('defaults to the last 30 days and refuses a backwards, too long or malformed range with 400', async () => {
    const { token } = await signIn();
    const body = await (await call('/api/usage', { token })).json<any>();
    expect((Date.parse(body.to) - Date.parse(body.from)) / DAY_MS).toBe(29);
    for (const query of ['from=2026-02-01&to=2026-01-01', 'from=2024-01-01&to=2026-01-01', 'from=yesterday']) {
      const res = await call(`/api/usage?${query}`, { token });
      expect({ status: res.status, code: (await res.json<ErrorEnvelope>()).error.code }).toEqual({
        status: 400,
        code: 'invalid_request',
      });
    }
    expect((await call('/api/usage')).status).toBe(401);
  });
});
