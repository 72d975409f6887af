// The usage pipeline's jobs inside workerd: the `usage-events` consumer (idempotent, per-message
// dead-lettering, retry with backoff when Postgres is away) and the hourly roll-up into usage_daily.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deadLetters, profiles, usageDaily, usageEvents } from '../../drizzle/schema.ts';
import worker from '../../worker/index.ts';
import { createDb } from '../../worker/db/client.ts';
import { retryDelaySeconds, type DeadLetter } from '../../worker/jobs/queue.ts';
import { eventually, withUnreachableDatabase } from './helpers.ts';
import type { UsageEventMessage } from '../../worker/usage/usage-event.ts';

const db = createDb(env);

function usageEvent(userId: string, overrides: Partial<UsageEventMessage> = {}): UsageEventMessage {
  const id = crypto.randomUUID();
  return {
    id,
    userId,
    subjectType: 'user',
    subjectId: userId,
    conversationId: crypto.randomUUID(),
    messageId: id,
    model: 'anthropic/claude-haiku-4-5',
    provider: 'anthropic',
    inputTokens: 100,
    outputTokens: 20,
    cachedTokens: 0,
    costUsd: '0.00020000',
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Queue messages as Cloudflare would deliver them. */
const delivery = (bodies: unknown[], attempts = 1) =>
  bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body }));

/** Runs the Worker's queue handler on one batch; the ack/retry state it left, and the delay of any retryAll. */
async function consume(messages: ReturnType<typeof delivery>, handlerEnv: Env = env, queue = 'usage-events') {
  const batch = createMessageBatch(queue, messages);
  // The plugin's batch records that retryAll was called but drops its delay: note it on the way through.
  const retryAllDelays: Array<number | undefined> = [];
  const retryAll = batch.retryAll.bind(batch);
  batch.retryAll = (options) => {
    retryAllDelays.push(options?.delaySeconds);
    retryAll(options);
  };
  const ctx = createExecutionContext();
  await worker.queue(batch, handlerEnv);
  return { ...(await getQueueResult(batch, ctx)), retryAllDelays };
}

const storedEvents = (ids: string[]) => db.select().from(usageEvents).where(inArray(usageEvents.id, ids));

describe('usage-events consumer', () => {
  it('counts a batch delivered twice once, creating the missing profile of its user', async () => {
    const userId = crypto.randomUUID(); // no profile yet: profiles are created lazily
    const events = [usageEvent(userId), usageEvent(userId, { model: 'openai/gpt-4.1-mini', provider: 'openai' })];
    const messages = delivery(events);

    const first = await consume(messages);
    const second = await consume(messages.map((m) => ({ ...m, attempts: 2 })));

    for (const result of [first, second])
      expect(result).toMatchObject({
        outcome: 'ok',
        ackAll: true,
        retryBatch: { retry: false },
        retryMessages: [],
        retryAllDelays: [],
      });
    const rows = await storedEvents(events.map((e) => e.id));
    expect(rows.map((r) => r.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(await db.select().from(profiles).where(eq(profiles.id, userId))).toHaveLength(1);
  });

  it('dead-letters a malformed message at once with its reason, and writes and acks the valid ones', async () => {
    const userId = crypto.randomUUID();
    const good = [usageEvent(userId), usageEvent(userId)];
    const bad = { ...usageEvent(userId), inputTokens: 'lots' };
    const messages = delivery([good[0], bad, good[1]]);
    const sent: Array<{ body: DeadLetter; options?: QueueSendOptions }> = [];
    // The real binding, watched: what reaches it is what would reach usage-events-dlq.
    const dlq: Queue = {
      send: (body, options) => {
        sent.push({ body: body as DeadLetter, options });
        return env.USAGE_EVENTS_DLQ.send(body, options);
      },
      sendBatch: (batch, options) => env.USAGE_EVENTS_DLQ.sendBatch(batch, options),
      metrics: () => env.USAGE_EVENTS_DLQ.metrics(),
    };

    const result = await consume(messages, { ...env, USAGE_EVENTS_DLQ: dlq });

    expect(result).toMatchObject({
      outcome: 'ok',
      ackAll: true,
      retryBatch: { retry: false },
      retryMessages: [],
      retryAllDelays: [],
      explicitAcks: [messages[1]!.id],
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({
      deadLetter: { queue: 'usage-events', messageId: messages[1]!.id, attempts: 1 },
      body: bad,
    });
    expect(sent[0]!.body.deadLetter.reason).toContain('inputTokens');
    expect((await storedEvents([...good.map((e) => e.id), bad.id])).map((r) => r.id).sort()).toEqual(
      good.map((e) => e.id).sort(),
    );
  });

  it('retries the whole batch with a delay that grows with its attempts when Postgres is unreachable', async () => {
    const userId = crypto.randomUUID();
    const events = [usageEvent(userId), usageEvent(userId)];
    const down = withUnreachableDatabase(env);
    const firstTry = await consume(delivery(events, 1), down);
    const fourthTry = await consume(delivery(events, 4), down);

    expect(firstTry).toMatchObject({
      outcome: 'ok',
      ackAll: false,
      explicitAcks: [],
      retryMessages: [],
      retryBatch: { retry: true },
      retryAllDelays: [10],
    });
    expect(fourthTry).toMatchObject({ ackAll: false, retryBatch: { retry: true }, retryAllDelays: [80] });
    expect(retryDelaySeconds(100)).toBe(15 * 60);
    expect(await storedEvents(events.map((e) => e.id))).toEqual([]);
  });
});

describe('usage-events-dlq consumer: dead letters replayed (issue 18)', () => {
  it('counts usage Cloudflare parked in the dead-letter queue, once however often it arrives', async () => {
    const event = usageEvent(crypto.randomUUID());
    // Through the real queue and its consumer from wrangler.toml, as after an hour of Postgres away.
    await env.USAGE_EVENTS_DLQ.send(event, { contentType: 'json' });
    await env.USAGE_EVENTS_DLQ.send(event, { contentType: 'json' });
    const rows = await eventually(
      () => storedEvents([event.id]),
      (found) => found.length > 0,
    );
    expect(rows.map((r) => [r.id, r.inputTokens, r.outputTokens])).toEqual([[event.id, 100, 20]]);
    const again = await consume(delivery([event]), env, 'usage-events-dlq');
    expect(again).toMatchObject({ outcome: 'ok', ackAll: true });
    expect(await storedEvents([event.id])).toHaveLength(1);
  });

  it('ingests a refused body that reads as usage now, and keeps one that does not in dead_letters', async () => {
    const readable = usageEvent(crypto.randomUUID());
    const broken = { ...usageEvent(crypto.randomUUID()), inputTokens: -5 };
    const envelope = (body: unknown, reason: string): DeadLetter => ({
      deadLetter: {
        queue: 'usage-events',
        messageId: `orig-${crypto.randomUUID()}`,
        attempts: 1,
        reason,
        at: new Date().toISOString(),
      },
      body,
    });
    const letters = [envelope(readable, 'costUsd: a bug since fixed'), envelope(broken, 'inputTokens: too small')];
    const result = await consume(delivery(letters), env, 'usage-events-dlq');
    expect(result).toMatchObject({ outcome: 'ok', ackAll: true, retryAllDelays: [] });
    expect((await storedEvents([readable.id, broken.id])).map((r) => r.id)).toEqual([readable.id]);
    const kept = await db.select().from(deadLetters).where(eq(deadLetters.messageId, letters[1]!.deadLetter.messageId));
    expect(kept).toEqual([
      expect.objectContaining({ queue: 'usage-events', reason: 'inputTokens: too small', body: broken }),
    ]);
    // Delivered again: still one of each.
    await consume(delivery(letters), env, 'usage-events-dlq');
    expect(
      await db.select().from(deadLetters).where(eq(deadLetters.messageId, letters[1]!.deadLetter.messageId)),
    ).toHaveLength(1);
  });

  it('waits and retries the batch while Postgres is unreachable, acking nothing', async () => {
    const result = await consume(
      delivery([usageEvent(crypto.randomUUID())], 3),
      withUnreachableDatabase(env),
      'usage-events-dlq',
    );
    expect(result).toMatchObject({ ackAll: false, retryBatch: { retry: true } });
    expect(result.retryAllDelays).toEqual([retryDelaySeconds(3)]);
  });
});

describe('hourly usage aggregation', () => {
  const HOURLY = '0 * * * *';

  async function runCron(cron: string) {
    await worker.scheduled(createScheduledController({ cron, scheduledTime: new Date() }), env);
  }

  const daily = (userId: string) =>
    db.select().from(usageDaily).where(eq(usageDaily.userId, userId)).orderBy(usageDaily.day, usageDaily.model);

  it('rolls events up per UTC day and model, changes nothing when rerun, and picks up a late event', async () => {
    const userId = crypto.randomUUID();
    await db.insert(profiles).values({ id: userId });
    const day = (offset: number, time: string) => {
      const d = new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
      return { date: d, at: `${d}T${time}Z` };
    };
    const older = day(3, '23:59:59.000');
    const newer = day(2, '00:00:00.000'); // one second later, the next UTC day
    const haiku = 'anthropic/claude-haiku-4-5';
    const mini = 'openai/gpt-4.1-mini';
    const insert = (events: UsageEventMessage[]) =>
      db.insert(usageEvents).values(events.map((e) => ({ ...e, occurredAt: new Date(e.occurredAt) })));
    await insert([
      usageEvent(userId, {
        model: haiku,
        occurredAt: older.at,
        inputTokens: 100,
        outputTokens: 10,
        costUsd: '0.00010000',
      }),
      usageEvent(userId, {
        model: haiku,
        occurredAt: `${older.date}T08:00:00.000Z`,
        inputTokens: 50,
        outputTokens: 5,
        costUsd: '0.00005000',
      }),
      usageEvent(userId, { model: mini, occurredAt: older.at, inputTokens: 7, outputTokens: 3, costUsd: '0.00000300' }),
      usageEvent(userId, {
        model: haiku,
        occurredAt: newer.at,
        inputTokens: 1000,
        outputTokens: 100,
        costUsd: '0.00100000',
      }),
    ]);
    const expected = [
      { day: older.date, model: haiku, requests: 2, inputTokens: 150, outputTokens: 15, costUsd: '0.00015000' },
      { day: older.date, model: mini, requests: 1, inputTokens: 7, outputTokens: 3, costUsd: '0.00000300' },
      { day: newer.date, model: haiku, requests: 1, inputTokens: 1000, outputTokens: 100, costUsd: '0.00100000' },
    ];

    await runCron(HOURLY);
    const first = await daily(userId);
    expect(first).toMatchObject(expected);

    await runCron(HOURLY);
    expect(await daily(userId)).toEqual(first); // updatedAt included: nothing was rewritten

    await insert([
      usageEvent(userId, {
        model: haiku,
        occurredAt: `${older.date}T12:00:00.000Z`,
        inputTokens: 1,
        outputTokens: 1,
        costUsd: '0.00000100',
      }),
    ]);
    await runCron(HOURLY);
    expect(await daily(userId)).toMatchObject([
      { ...expected[0], requests: 3, inputTokens: 151, outputTokens: 16, costUsd: '0.00015100' },
      expected[1],
      expected[2],
    ]);
  });

  it('leaves usage_daily alone on the daily and monthly crons', async () => {
    const userId = crypto.randomUUID();
    await db.insert(profiles).values({ id: userId });
    await db.insert(usageEvents).values({ ...usageEvent(userId), occurredAt: new Date() });
    await runCron('0 8 * * *');
    await runCron('30 0 1 * *');
    expect(await db.select().from(usageDaily).where(eq(usageDaily.userId, userId))).toEqual([]);
  });
});
