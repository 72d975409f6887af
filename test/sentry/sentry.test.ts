// Error reporting end to end: this project's Worker has SENTRY_DSN pointing at the fake Sentry
// ingest (scripts/fake-sentry.ts), which records every envelope the real SDK sends, raw.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import worker from '../../worker/index.ts';
import { VERSION } from '../../worker/version.ts';
import { call, createConversation, eventually, sendMessage, signIn } from '../worker/helpers.ts';
import { collectEvents, readEvents, type ParsedEvent } from '../worker/sse.ts';

type SentryEvent = {
  event_id: string;
  release?: string;
  tags?: Record<string, string>;
  exception?: { values?: Array<{ type?: string; value?: string; mechanism?: { type?: string; handled?: boolean } }> };
};
type Envelope = {
  header: Record<string, unknown>;
  items: Array<{ header: { type: string }; payload: unknown }>;
  raw: string;
};

const ingest = inject('fakeSentryUrl');

async function envelopes(): Promise<Envelope[]> {
  const res = await fetch(`${ingest}/__control/envelopes`);
  return res.json<Envelope[]>();
}

const eventsOf = (all: Envelope[]) =>
  all.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.payload as SentryEvent));

/** Polls the fake until events matching `match` arrive (or 10 s pass); returns them. */
async function eventsMatching(match: (event: SentryEvent) => boolean) {
  const all = await eventually(envelopes, (list) => eventsOf(list).some(match), 10_000);
  return eventsOf(all).filter(match);
}

describe('error reporting to Sentry', () => {
  it('reports a 500 once, tagged with our request id, route, subject type and release, and sends no secret', async () => {
    const { token, email } = await signIn();
    const apiKey = `sk-parley-${crypto.randomUUID().replaceAll('-', '')}`;
    const content = `private words ${crypto.randomUUID()}`;
    const res = await call(`/api/dev/crash?api_key=${apiKey}&note=${encodeURIComponent(content)}`, {
      method: 'POST',
      token,
      headers: { cookie: `session=${token}`, 'x-api-key': apiKey, 'x-request-id': 'client-chosen-id' },
      body: JSON.stringify({ content, email }),
    });
    expect(res.status).toBe(500);
    const requestId = res.headers.get('x-request-id')!;

    const events = await eventsMatching((e) => e.tags?.request_id === requestId);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.tags).toMatchObject({ request_id: requestId, route: '/api/dev/crash', subject_type: 'user' });
    expect(event!.release).toBe(VERSION);
    expect(event!.exception?.values?.at(-1)?.value).toContain('Test error from POST /api/dev/crash');
    expect(event!.exception?.values?.at(-1)?.mechanism).toMatchObject({ handled: false });

    // A second look after the SDK has flushed: still exactly one event for this request.
    await new Promise((r) => setTimeout(r, 300));
    const everything = await envelopes();
    expect(eventsOf(everything).filter((e) => e.tags?.request_id === requestId)).toHaveLength(1);
    const raw = everything.map((e) => e.raw).join('\n');
    for (const secret of [token, token.split('.')[2]!, apiKey, content, email, 'session=']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('reports neither a 404 nor a refused request (400), and a 500 after them still arrives', async () => {
    const { token } = await signIn();
    const missing = await call('/api/no-such-route', { token });
    expect(missing.status).toBe(404);
    const invalid = await call('/api/conversations', { method: 'POST', token, body: JSON.stringify({ title: 42 }) });
    expect(invalid.status).toBe(400);
    const crash = await call('/api/dev/crash', { method: 'POST', token });
    expect(crash.status).toBe(500);

    // Events are captured in order; once the 500's is in, the others would have been too.
    expect(await eventsMatching((e) => e.tags?.request_id === crash.headers.get('x-request-id'))).toHaveLength(1);
    const ids = eventsOf(await envelopes()).map((e) => e.tags?.request_id);
    expect(ids).not.toContain(missing.headers.get('x-request-id'));
    expect(ids).not.toContain(invalid.headers.get('x-request-id'));
  });

  it('reports an error thrown inside a Durable Object method (the Limiter)', async () => {
    const limiter = env.LIMITER.get(env.LIMITER.idFromName(`sentry-${crypto.randomUUID()}`));
    // try/catch rather than expect().rejects: that leaves the RPC promise's pipelined twin unhandled.
    let thrown: unknown;
    try {
      await limiter.reserve(null as never);
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).toMatch(/userId/);
    const events = await eventsMatching((e) => e.tags?.durable_object === 'Limiter');
    expect(events[0]!.exception?.values?.at(-1)?.type).toBe('TypeError');
    expect(events[0]!.release).toBe(VERSION);
  });

  it('reports an error thrown by the queue consumer', async () => {
    const batch = createMessageBatch('usage-events', []);
    const marker = `ack refused ${crypto.randomUUID()}`;
    batch.ackAll = () => {
      throw new Error(marker);
    };
    const ctx = createExecutionContext();
    await expect(worker.queue(batch, env, ctx)).rejects.toThrow(marker);
    await waitOnExecutionContext(ctx);
    const events = await eventsMatching((e) => e.exception?.values?.some((v) => v.value === marker) ?? false);
    expect(events).toHaveLength(1);
    expect(events[0]!.exception?.values?.at(-1)?.mechanism?.type).toBe('auto.faas.cloudflare.queue');
  });

  it('reports a cron whose job failed (the database unreachable), without the query it ran', async () => {
    const databaseDown = { ...env, DATABASE_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql' };
    const ctx = createExecutionContext();
    const controller = createScheduledController({ cron: '0 * * * *', scheduledTime: new Date() });
    await expect(worker.scheduled(controller, databaseDown, ctx)).rejects.toThrow(/job\(s\) failed/);
    await waitOnExecutionContext(ctx);
    const events = await eventsMatching(
      (e) => e.exception?.values?.some((v) => v.mechanism?.type === 'auto.faas.cloudflare.scheduled') ?? false,
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
    const raw = (await envelopes()).map((e) => e.raw).join('\n');
    expect(raw).not.toMatch(/insert into|select .* from/i);
  });

  it('leaves the chat path as it was: a reply streams, resumes after the reader leaves, and sends no event', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'anthropic/claude-haiku-4-5' });
    const content = `[[fake tokens=40 tps=400]] words for nobody else ${crypto.randomUUID()}`;
    const res = await sendMessage(token, id, content);
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    const firstPart: ParsedEvent[] = [];
    for await (const event of readEvents(res.body!)) {
      firstPart.push(event);
      if (firstPart.filter((e) => e.event === 'delta').length === 5) break;
    }
    const resumed = await call(`/api/conversations/${id}/stream`, {
      token,
      headers: { 'last-event-id': firstPart.at(-1)!.id! },
    });
    const rest = await collectEvents(resumed.body!);
    expect(rest.at(-1)?.event).toBe('done');
    const seqs = [...firstPart, ...rest].map((e) => Number(e.id!.split(':')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const all = await envelopes();
    expect(eventsOf(all).map((e) => e.tags?.request_id)).not.toContain(requestId);
    expect(all.map((e) => e.raw).join('\n')).not.toContain(content.slice(-36));
  });
});
