// The chat engine end to end: Worker -> ConversationRoom -> real vendor SDK -> fake upstream,
// with replies saved to Postgres. Directives in the message (`[[fake …]]`) steer the fake.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { messages, usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import worker from '../../worker/index.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { call, createConversation, eventually, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents, readEvents, textOf, type ParsedEvent } from './sse.ts';

type Vendor = 'anthropic' | 'openai' | 'gemini' | 'compat';
type StoredMessage = {
  id: string;
  role: string;
  content: string;
  status: string;
  model: string;
  requestedModel: string | null;
  provider: string;
  stopReason: string | null;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
};

const fake = inject('fakeUpstreamUrl');

afterEach(() => vi.restoreAllMocks());

async function conversation(token: string, id: string) {
  const res = await call(`/api/conversations/${id}`, { token });
  return res.json<{ title: string; messages: StoredMessage[] }>();
}

async function assistantReply(token: string, id: string) {
  const { messages } = await conversation(token, id);
  return messages.filter((m) => m.role === 'assistant').at(-1)!;
}

async function fakeRequests(key: string) {
  const res = await fetch(`${fake}/__control/requests?key=${key}`);
  return res.json<Array<{ status: string; model: string; tokensSent: number; messages: number; system: boolean }>>();
}

// The fake counts a prompt as ceil(characters / 4): "Be brief.\n[[fake tokens=24 ttft=150]] Tell me
// something" is 55 characters, so 14 input tokens, and 24 output tokens. Costs by hand from the
// registry's prices per million tokens (input, output): Sonnet 5.5 $2/$10: 14*2 + 24*10 = 268 µ$;
// GPT-4.1 mini $0.40/$1.60: 5.6 + 38.4 = 44 µ$; Gemini 2.5 Flash $0.30/$2.50: 4.2 + 60 = 64.2 µ$;
// a model on an OpenAI-compatible server is free.
describe.each<[string, Vendor, string]>([
  ['anthropic/claude-sonnet-5-5', 'anthropic', '0.00026800'],
  ['openai/gpt-4.1-mini', 'openai', '0.00004400'],
  ['google/gemini-2.5-flash', 'gemini', '0.00006420'],
  ['openai-compat/llama-test', 'compat', '0.00000000'],
])('a reply from %s', (model, vendor, costUsd) => {
  it('streams text, then stores it with usage, cost, stop reason and timings', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model, systemPrompt: 'Be brief.' });
    const res = await sendMessage(token, id, '[[fake tokens=24 ttft=150]] Tell me something');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await collectEvents(res.body!);

    expect(events[0]).toMatchObject({ event: 'message.start', data: { conversationId: id, model } });
    expect(textOf(events)).toBe(expectedReplyText(vendor, 24));
    const usage = events.find((e) => e.event === 'usage')!.data;
    expect(usage).toMatchObject({ inputTokens: 14, outputTokens: 24 });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'end_turn', model } });

    const reply = await assistantReply(token, id);
    expect(reply).toMatchObject({
      content: expectedReplyText(vendor, 24),
      status: 'complete',
      model,
      stopReason: 'end_turn',
      inputTokens: 14,
      outputTokens: 24,
      costUsd,
    });
    // The fake waits 150 ms before its first token: the time measured covers at least that.
    expect(reply.timeToFirstTokenMs).toBeGreaterThanOrEqual(150);
    expect(reply.durationMs).toBeGreaterThanOrEqual(reply.timeToFirstTokenMs!);
  });
});

describe('sending', () => {
  it('titles the conversation from its first message and keeps both messages in order', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    await collectEvents((await sendMessage(token, id, 'How do tides work? [[fake tokens=3]]')).body!);
    const found = await conversation(token, id);
    expect(found.title).toBe('How do tides work? [[fake tokens=3]]');
    expect(found.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('sends the history back to the model on the next turn', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const key = `history-${crypto.randomUUID()}`;
    await collectEvents((await sendMessage(token, id, '[[fake tokens=3]] first')).body!);
    await collectEvents((await sendMessage(token, id, `[[fake tokens=3 key=${key}]] second`)).body!);
    const [second] = await fakeRequests(key);
    expect(second).toMatchObject({ messages: 3, system: false }); // user, assistant, user
  });

  it('uses the model and system prompt changed since the last turn', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    await collectEvents((await sendMessage(token, id, '[[fake tokens=3]] first')).body!);
    const patch = await call(`/api/conversations/${id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({ model: 'google/gemini-2.5-flash', systemPrompt: 'Answer in French.' }),
    });
    expect(patch.status).toBe(200);
    const key = `patched-${crypto.randomUUID()}`;
    const events = await collectEvents((await sendMessage(token, id, `[[fake tokens=3 key=${key}]] second`)).body!);
    expect(events[0]).toMatchObject({ event: 'message.start', data: { model: 'google/gemini-2.5-flash' } });
    expect((await fakeRequests(key))[0]).toMatchObject({ model: 'gemini-2.5-flash', system: true, messages: 3 });
  });

  it('refuses a second send while a reply is streaming with 409 reply_in_progress', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const first = await sendMessage(token, id, '[[fake tokens=200 tps=50]] long one');
    const second = await sendMessage(token, id, 'impatient');
    expect(second.status).toBe(409);
    expect((await second.json<ErrorEnvelope>()).error.code).toBe('reply_in_progress');
    await call(`/api/conversations/${id}/stop`, { method: 'POST', token });
    await collectEvents(first.body!);
  });

  it('publishes a usage event for the reply through the usage queue, not the direct-write fallback', async () => {
    const { token, userId } = await signIn();
    const id = await createConversation(token);
    // The room and the queue consumer run in this isolate: their calls and logs are seen here.
    const delivered: string[] = [];
    const consume = worker.queue!;
    vi.spyOn(worker, 'queue').mockImplementation(async (batch, ...rest) => {
      delivered.push(...batch.messages.map((m) => (m.body as { id: string }).id));
      return consume.call(worker, batch, ...rest);
    });
    const warnings: string[] = [];
    for (const level of ['warn', 'error'] as const) {
      const write = console[level];
      vi.spyOn(console, level).mockImplementation((line: unknown, ...rest: unknown[]) => {
        warnings.push(String(line));
        write(line, ...rest);
      });
    }

    const events = await collectEvents((await sendMessage(token, id, '[[fake tokens=5]] count me')).body!);
    const messageId = events[0]!.data.messageId;
    const db = createDb(env);
    const rows = await eventually(
      () => db.select().from(usageEvents).where(eq(usageEvents.id, messageId)),
      (r) => r.length > 0,
      10_000,
    );
    expect(rows[0]).toMatchObject({
      userId,
      subjectType: 'user',
      subjectId: userId,
      conversationId: id,
      outputTokens: 5,
    });
    expect(delivered).toContain(messageId);
    expect(warnings.filter((line) => line.includes('usage queue unavailable'))).toEqual([]);
  });
});

describe('streams that survive the client', () => {
  it('resumes after a disconnect with Last-Event-ID: the rest arrives exactly once and in order', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'anthropic/claude-haiku-4-5' });
    const res = await sendMessage(token, id, '[[fake tokens=80 tps=200]] tell me a long story');
    const firstPart: ParsedEvent[] = [];
    for await (const event of readEvents(res.body!)) {
      firstPart.push(event);
      if (firstPart.filter((e) => e.event === 'delta').length === 10) break; // the reader leaves
    }
    const resumed = await call(`/api/conversations/${id}/stream`, {
      token,
      headers: { 'last-event-id': firstPart.at(-1)!.id! },
    });
    expect(resumed.status).toBe(200);
    const rest = await collectEvents(resumed.body!);

    const all = [...firstPart, ...rest];
    const seqs = all.map((e) => Number(e.id!.split(':')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // 1, 2, 3, … no gap, no repeat
    expect(textOf(all)).toBe(expectedReplyText('anthropic', 80));
    expect(rest.at(-1)?.event).toBe('done');
  });

  it('finishes and saves a reply whose every reader has left', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const res = await sendMessage(token, id, '[[fake tokens=40 tps=200]] go on without me');
    for await (const event of readEvents(res.body!)) if (event.event === 'delta') break;
    const reply = await eventually(
      () => assistantReply(token, id),
      (m) => m.status !== 'streaming',
    );
    expect(reply).toMatchObject({ status: 'complete', content: expectedReplyText('anthropic', 40), outputTokens: 40 });
  });

  it('answers 204 to a resume when nothing is in flight', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const res = await call(`/api/conversations/${id}/stream`, { token });
    expect(res.status).toBe(204);
  });

  it('stop aborts the vendor call and saves the partial text as stopped', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'google/gemini-2.5-flash' });
    const key = `stop-${crypto.randomUUID()}`;
    const res = await sendMessage(token, id, `[[fake tokens=2000 tps=100 key=${key}]] never ending`);
    const seen: ParsedEvent[] = [];
    const reading = (async () => {
      for await (const event of readEvents(res.body!)) seen.push(event);
    })();
    await eventually(
      async () => seen.filter((e) => e.event === 'delta').length,
      (n) => n >= 3,
    );

    const stopped = await call(`/api/conversations/${id}/stop`, { method: 'POST', token });
    expect(await stopped.json()).toEqual({ stopped: true });
    await reading;
    expect(seen.at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'stopped' } });

    const reply = await assistantReply(token, id);
    expect(reply.status).toBe('stopped');
    expect(reply.content).toBe(textOf(seen));
    expect(reply.content.length).toBeLessThan(expectedReplyText('gemini', 2000).length);
    const [upstream] = await eventually(
      () => fakeRequests(key),
      (r) => r[0]?.status !== 'in_progress',
    );
    expect(upstream?.status).toBe('client_closed');
  });

  it('saves the partial text with status error when the vendor fails midway', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const key = `drop-${crypto.randomUUID()}`;
    const events = await collectEvents(
      (await sendMessage(token, id, `[[fake tokens=50 drop=6 key=${key}]] fragile`)).body!,
    );
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'upstream' } });
    expect(textOf(events)).toBe(expectedReplyText('openai', 6));
    const reply = await assistantReply(token, id);
    expect(reply).toMatchObject({ status: 'error', errorCode: 'upstream', content: expectedReplyText('openai', 6) });
    expect(await fakeRequests(key)).toHaveLength(1); // text was sent: never retried
  });
});

describe('retries and fallbacks', () => {
  it('retries a 429 before the first token and succeeds', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const key = `retry-${crypto.randomUUID()}`;
    const events = await collectEvents(
      (await sendMessage(token, id, `[[fake fail=429 failcount=2 retryafter=0 tokens=4 key=${key}]] hi`)).body!,
    );
    expect(events.at(-1)?.event).toBe('done');
    expect((await fakeRequests(key)).map((r) => r.status)).toEqual(['failed', 'failed', 'completed']);
    expect(await assistantReply(token, id)).toMatchObject({ status: 'complete', model: 'openai/gpt-4.1-mini' });
  });

  it('falls back to the next model when one keeps failing', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'anthropic/claude-sonnet-5-5' });
    const key = `fallback-${crypto.randomUUID()}`;
    const events = await collectEvents(
      (await sendMessage(token, id, `[[fake fail=529 failcount=3 retryafter=0 tokens=4 key=${key}]] hi`)).body!,
    );
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { model: 'anthropic/claude-haiku-4-5' } });
    expect((await fakeRequests(key)).map((r) => r.model)).toEqual([
      'claude-sonnet-5-5',
      'claude-sonnet-5-5',
      'claude-sonnet-5-5',
      'claude-haiku-4-5',
    ]);
    expect(await assistantReply(token, id)).toMatchObject({
      status: 'complete',
      model: 'anthropic/claude-haiku-4-5',
      provider: 'anthropic',
    });
  });

  it('keeps the model a reply was asked of beside the one that answered: read back, and in Postgres behind', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'anthropic/claude-sonnet-5-5' });
    const key = `asked-${crypto.randomUUID()}`;
    await collectEvents(
      (await sendMessage(token, id, `[[fake fail=529 failcount=3 retryafter=0 tokens=4 key=${key}]] hi`)).body!,
    );
    // A reply asked of Haiku directly (Haiku stands in for Sonnet, but nothing failed here).
    await collectEvents((await sendMessage(token, id, '[[fake tokens=4]] again', 'anthropic/claude-haiku-4-5')).body!);
    const read = await conversation(token, id);
    const asked = read.messages.map((m) => [m.role, m.requestedModel, m.model]);
    expect(asked).toEqual([
      ['user', null, null],
      ['assistant', 'anthropic/claude-sonnet-5-5', 'anthropic/claude-haiku-4-5'],
      ['user', null, null],
      ['assistant', 'anthropic/claude-haiku-4-5', 'anthropic/claude-haiku-4-5'],
    ]);
    const db = createDb(env);
    const stored = await eventually(
      () =>
        db
          .select({ role: messages.role, requestedModel: messages.requestedModel, model: messages.model })
          .from(messages)
          .where(eq(messages.conversationId, id))
          .orderBy(messages.createdAt),
      (rows) => JSON.stringify(rows.map((m) => [m.role, m.requestedModel, m.model])) === JSON.stringify(asked),
      10_000,
    );
    expect(stored.map((m) => [m.role, m.requestedModel, m.model])).toEqual(asked);
  });

  it('does not retry a request the vendor rejects as bad', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'anthropic/claude-sonnet-5-5' });
    const key = `bad-${crypto.randomUUID()}`;
    const events = await collectEvents((await sendMessage(token, id, `[[fake fail=400 key=${key}]] hi`)).body!);
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'bad_request' } });
    expect(await fakeRequests(key)).toHaveLength(1);
  });
});
