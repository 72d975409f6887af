// Issue 21 (item 7): a /v1 stream that survives the connection. A streamed completion sent with an
// Idempotency-Key numbers its events (SSE `id:`); after the connection drops, the same request
// with the same key and Last-Event-ID gets the rest: every token once, in order, from one vendor
// call, billed once.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { complete, eventually, type OpenAiErrorBody, userWithKey } from './helpers.ts';

const fake = inject('fakeUpstreamUrl');
type Frame = { id: number; data: string };

/** Reads OpenAI-style frames (`id:` and `data:` lines), up to `limit` of them, then drops the connection. */
async function readFrames(body: ReadableStream<Uint8Array>, limit = Number.POSITIVE_INFINITY): Promise<Frame[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  try {
    while (frames.length < limit) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1 && frames.length < limit) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id !== undefined && data !== undefined) frames.push({ id: Number(id), data });
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return frames;
}

const textOf = (frames: Frame[]) =>
  frames
    .filter((f) => f.data !== '[DONE]')
    .map((f) => JSON.parse(f.data) as { choices: Array<{ delta: { content?: string | null } }> })
    .map((chunk) => chunk.choices[0]?.delta.content ?? '')
    .join('');

describe('a /v1 stream that survives the connection', () => {
  it('resumes after a dropped connection with Last-Event-ID: every token once, one vendor call, billed once', async () => {
    const { key, userId } = await userWithKey();
    const tag = `resume-${crypto.randomUUID()}`;
    const body = {
      model: 'openai/gpt-4.1-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: `[[fake tokens=40 tps=400 key=${tag}]] tell me a story` }],
    };
    const idempotency = { 'idempotency-key': `story-${crypto.randomUUID()}` };
    const first = await complete(key, body, idempotency);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotency-key')).toBe(idempotency['idempotency-key']);
    // The connection drops after five events.
    const before = await readFrames(first.body!, 5);
    expect(before.map((f) => f.id)).toEqual([1, 2, 3, 4, 5]);

    const again = await complete(key, body, { ...idempotency, 'last-event-id': '5' });
    expect(again.status).toBe(200);
    const after = await readFrames(again.body!);
    expect(after[0]!.id).toBe(6);
    expect(after.map((f) => f.id)).toEqual(after.map((_, i) => 6 + i));
    expect(after.at(-1)!.data).toBe('[DONE]');
    expect(textOf([...before, ...after])).toBe(expectedReplyText('openai', 40));

    // One vendor call, and one usage event.
    const calls = await (await fetch(`${fake}/__control/requests?key=${tag}`)).json<unknown[]>();
    expect(calls).toHaveLength(1);
    const usage = await eventually(
      () => createDb(env).select().from(usageEvents).where(eq(usageEvents.userId, userId)),
      (rows) => rows.length > 0,
    );
    expect(usage).toHaveLength(1);
    expect(usage[0]!.outputTokens).toBe(40);
  });

  it('sends the whole stream again to the same request without Last-Event-ID, still from one vendor call', async () => {
    const { key } = await userWithKey();
    const tag = `replay-${crypto.randomUUID()}`;
    const body = {
      model: 'anthropic/claude-haiku-4-5',
      stream: true,
      messages: [{ role: 'user', content: `[[fake tokens=6 key=${tag}]] hi` }],
    };
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const whole = await readFrames((await complete(key, body, headers)).body!);
    const replay = await readFrames((await complete(key, body, headers)).body!);
    expect(replay).toEqual(whole);
    expect(textOf(whole)).toBe(expectedReplyText('anthropic', 6));
    expect(await (await fetch(`${fake}/__control/requests?key=${tag}`)).json<unknown[]>()).toHaveLength(1);
  });

  it('resumes a finished stream from what the object wrote, after it was evicted', async () => {
    const { key, userId } = await userWithKey();
    const tag = `evicted-${crypto.randomUUID()}`;
    const idempotencyKey = crypto.randomUUID();
    const body = {
      model: 'google/gemini-2.5-flash',
      stream: true,
      messages: [{ role: 'user', content: `[[fake tokens=8 key=${tag}]] hi` }],
    };
    const whole = await readFrames((await complete(key, body, { 'idempotency-key': idempotencyKey })).body!);
    // Eviction forgets what the object held in memory; what it wrote stays.
    const stub = env.RESUMABLE_REPLY.get(env.RESUMABLE_REPLY.idFromName(`${userId}:${idempotencyKey}`));
    await eventually(
      () => runInDurableObject(stub, (_o, state) => state.storage.sql.exec('select count(*) as n from frames').one().n),
      (n) => n === whole.length,
    );
    await runInDurableObject(stub, (object) => void ((object as unknown as { live: unknown }).live = undefined));
    const rest = await readFrames(
      (await complete(key, body, { 'idempotency-key': idempotencyKey, 'last-event-id': '3' })).body!,
    );
    expect(rest).toEqual(whole.slice(3));
    expect(textOf([...whole.slice(0, 3), ...rest])).toBe(expectedReplyText('gemini', 8));
    expect(await (await fetch(`${fake}/__control/requests?key=${tag}`)).json<unknown[]>()).toHaveLength(1);
  });

  it('refuses the key for another request (409), a resume of nothing (404), and a malformed key (400)', async () => {
    const { key } = await userWithKey();
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const body = {
      model: 'openai/gpt-4.1-mini',
      stream: true,
      messages: [{ role: 'user', content: '[[fake tokens=2]] hi' }],
    };
    await readFrames((await complete(key, body, headers)).body!);
    const other = await complete(key, { ...body, messages: [{ role: 'user', content: 'something else' }] }, headers);
    expect(other.status).toBe(409);
    expect((await other.json<OpenAiErrorBody>()).error.code).toBe('idempotency_key_reused');

    const nothing = await complete(key, body, { 'idempotency-key': crypto.randomUUID(), 'last-event-id': '3' });
    expect(nothing.status).toBe(404);
    expect((await nothing.json<OpenAiErrorBody>()).error.code).toBe('stream_not_found');

    const malformed = await complete(key, body, { 'idempotency-key': 'has spaces in it' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json<OpenAiErrorBody>()).error.param).toBe('Idempotency-Key');
  });
});
