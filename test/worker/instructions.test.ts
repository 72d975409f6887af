// Instructions and parameters (issue 22, item 2): account-wide custom instructions (PATCH /api/me,
// kept by the user's Limiter so a reply never reads Postgres for them) and a conversation's system
// prompt, temperature and longest reply, which every reply of the conversation is sent with.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { conversations, profiles } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { estimateTokens } from '../../worker/chat/prompt.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import type { Limiter } from '../../durable-objects/limiter.ts';
import { LimiterStore } from '../../durable-objects/limiter-store.ts';
import { call, createConversation, createKey, eventually, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents } from './sse.ts';
import { createSite, visit, visitorConversation, visitorSend } from './widget-support.ts';

type LoggedRequest = { prompt?: string; system: boolean; sampling?: Record<string, unknown> };

const fake = inject('fakeUpstreamUrl');

async function fakeRequests(key: string) {
  return (await fetch(`${fake}/__control/requests?key=${key}`)).json<LoggedRequest[]>();
}

function setInstructions(token: string, customInstructions: unknown) {
  return call('/api/me', { method: 'PATCH', token, body: JSON.stringify({ customInstructions }) });
}

function patchConversation(token: string, id: string, body: Record<string, unknown>) {
  return call(`/api/conversations/${id}`, { method: 'PATCH', token, body: JSON.stringify(body) });
}

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

/** Sends and reads the reply to its end. */
async function exchange(token: string, id: string, content: string) {
  const res = await sendMessage(token, id, content);
  expect(res.status).toBe(200);
  return collectEvents(res.body!);
}

describe('custom instructions (PATCH /api/me)', () => {
  it('are saved, shown by GET /api/me and in Postgres, and cleared by null or a blank text', async () => {
    const { token, userId } = await signIn();
    expect((await (await call('/api/me', { token })).json<{ customInstructions: unknown }>()).customInstructions).toBe(
      null,
    );
    const res = await setInstructions(token, 'Answer in British English.');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ customInstructions: 'Answer in British English.' });
    expect(await (await call('/api/me', { token })).json()).toMatchObject({
      customInstructions: 'Answer in British English.',
    });
    const [row] = await createDb(env).select().from(profiles).where(eq(profiles.id, userId));
    expect(row?.customInstructions).toBe('Answer in British English.');

    expect(await (await setInstructions(token, '   ')).json()).toEqual({ customInstructions: null });
    await setInstructions(token, 'again');
    expect(await (await setInstructions(token, null)).json()).toEqual({ customInstructions: null });
    expect(await (await call('/api/me', { token })).json()).toMatchObject({ customInstructions: null });
  });

  it.each<[string, unknown]>([
    ['longer than 4,000 characters', 'x'.repeat(4_001)],
    ['not a string', 42],
    ['with a NUL character', 'a\u0000b'],
  ])('refuses instructions %s (400, naming the field)', async (_, value) => {
    const { token } = await signIn();
    const res = await setInstructions(token, value);
    expect(await errorOf(res)).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((await errorOf(await setInstructions(token, value))).message).toMatch(/customInstructions/);
  });

  it('refuses an unknown field rather than ignoring it (400)', async () => {
    const { token } = await signIn();
    const res = await call('/api/me', { method: 'PATCH', token, body: JSON.stringify({ tier: 'pro' }) });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});

describe("a conversation's temperature and longest reply", () => {
  it('are set by PATCH, returned by GET and written behind to Postgres; null puts back the defaults', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const res = await patchConversation(token, id, {
      temperature: 0.3,
      maxReplyTokens: 1_000,
      systemPrompt: 'Be brief.',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ temperature: 0.3, maxReplyTokens: 1_000, systemPrompt: 'Be brief.' });
    expect(await (await call(`/api/conversations/${id}`, { token })).json()).toMatchObject({
      temperature: 0.3,
      maxReplyTokens: 1_000,
    });
    const landed = await eventually(
      async () => (await createDb(env).select().from(conversations).where(eq(conversations.id, id)))[0],
      (row) => row?.maxReplyTokens === 1_000,
    );
    expect(landed).toMatchObject({ temperature: 0.3, maxReplyTokens: 1_000 });

    const cleared = await patchConversation(token, id, { temperature: null, maxReplyTokens: null });
    expect(await cleared.json()).toMatchObject({ temperature: null, maxReplyTokens: null, systemPrompt: 'Be brief.' });
  });

  it('are taken when the conversation is made (POST), so its first reply is sent with them', async () => {
    const { token } = await signIn();
    const key = crypto.randomUUID();
    const id = await createConversation(token, {
      model: 'anthropic/claude-haiku-4-5',
      systemPrompt: 'You are a ship pilot.',
      temperature: 0.4,
      maxReplyTokens: 700,
    });
    expect(await (await call(`/api/conversations/${id}`, { token })).json()).toMatchObject({
      systemPrompt: 'You are a ship pilot.',
      temperature: 0.4,
      maxReplyTokens: 700,
    });
    await exchange(token, id, `[[fake tokens=3 prompt=1 key=${key}]] hello`);
    const [request] = await fakeRequests(key);
    expect(request?.prompt?.startsWith('You are a ship pilot.')).toBe(true);
    expect(request?.sampling).toMatchObject({ temperature: 0.4, maxTokens: 700 });
    const landed = await eventually(
      async () => (await createDb(env).select().from(conversations).where(eq(conversations.id, id)))[0],
      (row) => row?.maxReplyTokens === 700,
    );
    expect(landed).toMatchObject({ temperature: 0.4, maxReplyTokens: 700 });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a temperature above 2', { temperature: 2.5 }, /temperature/],
    ["a longest reply above the model's limit", { model: 'openai/gpt-4o-mini', maxReplyTokens: 20_000 }, /16,384/],
  ])('a POST with %s is refused with a clear 400, making nothing', async (_, body, message) => {
    const { token } = await signIn();
    const res = await call('/api/conversations', { method: 'POST', token, body: JSON.stringify(body) });
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.message).toMatch(message);
    const list = await (await call('/api/conversations', { token })).json<{ items: unknown[] }>();
    expect(list.items).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a temperature above 2', { temperature: 2.5 }, /temperature/],
    ['a negative temperature', { temperature: -0.1 }, /temperature/],
    ['a temperature as text', { temperature: 'hot' }, /temperature/],
    ['a longest reply of 0', { maxReplyTokens: 0 }, /maxReplyTokens/],
    ['a fractional longest reply', { maxReplyTokens: 10.5 }, /maxReplyTokens/],
    ['a longest reply above 32,000', { maxReplyTokens: 32_001 }, /maxReplyTokens/],
    ["a longest reply above the model's limit", { maxReplyTokens: 20_000 }, /gpt-4o-mini writes at most 16,384/],
    ["a longest reply above the new model's limit", { model: 'openai/gpt-4o-mini', maxReplyTokens: 17_000 }, /16,384/],
  ])('refuses %s with a clear 400, changing nothing', async (_, body, message) => {
    const { token } = await signIn();
    const id = await createConversation(token, {
      model: 'model' in body ? 'anthropic/claude-haiku-4-5' : 'openai/gpt-4o-mini',
    });
    const res = await patchConversation(token, id, body);
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.message).toMatch(message);
    expect(await (await call(`/api/conversations/${id}`, { token })).json()).toMatchObject({
      temperature: null,
      maxReplyTokens: null,
    });
  });
});

describe('what the vendor is sent', () => {
  it('the custom instructions, a blank line and the system prompt, with the temperature and the longest reply, on send, regenerate and edit', async () => {
    const { token } = await signIn();
    const key = crypto.randomUUID();
    await setInstructions(token, 'Call me Ada.');
    const id = await createConversation(token, { model: 'anthropic/claude-haiku-4-5' });
    await patchConversation(token, id, {
      systemPrompt: 'You are a ship pilot.',
      temperature: 0.3,
      maxReplyTokens: 900,
    });

    await exchange(token, id, `[[fake tokens=3 prompt=1 key=${key}]] hello`);
    const regen = await call(`/api/conversations/${id}/regenerate`, { method: 'POST', token });
    expect(regen.status).toBe(200);
    await collectEvents(regen.body!);
    const { messages } = await (await call(`/api/conversations/${id}`, { token })).json<{
      messages: Array<{ id: string; role: string }>;
    }>();
    const asked = messages.find((m) => m.role === 'user')!;
    const edited = await call(`/api/conversations/${id}/messages/${asked.id}/edit`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: `[[fake tokens=3 prompt=1 key=${key}]] hello again` }),
    });
    expect(edited.status).toBe(200);
    await collectEvents(edited.body!);

    const seen = await fakeRequests(key);
    expect(seen).toHaveLength(3);
    for (const request of seen) {
      expect(request.system).toBe(true);
      expect(request.prompt!.startsWith('Call me Ada.\n\nYou are a ship pilot.\n')).toBe(true);
      expect(request.sampling).toMatchObject({ temperature: 0.3, maxTokens: 900 });
    }
  });

  it("the model's default temperature and the most it may write when none is set, and the instructions alone without a system prompt", async () => {
    const { token } = await signIn();
    const key = crypto.randomUUID();
    await setInstructions(token, 'Call me Ada.');
    const id = await createConversation(token, { model: 'openai/gpt-4o-mini' });
    await exchange(token, id, `[[fake tokens=3 prompt=1 key=${key}]] hello`);
    const [request] = await fakeRequests(key);
    expect(request!.prompt!.startsWith('Call me Ada.\n')).toBe(true);
    expect(request!.sampling?.temperature).toBeUndefined();
    expect(request!.sampling?.maxTokens).toBe(16_384);
  });

  it('instructions saved or cleared apply from the next reply', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'anthropic/claude-haiku-4-5' });
    const before = crypto.randomUUID();
    await exchange(token, id, `[[fake tokens=2 prompt=1 key=${before}]] one`);
    expect((await fakeRequests(before))[0]!.system).toBe(false);

    await setInstructions(token, 'Speak like a pirate.');
    const during = crypto.randomUUID();
    await exchange(token, id, `[[fake tokens=2 prompt=1 key=${during}]] two`);
    expect((await fakeRequests(during))[0]!.prompt).toMatch(/^Speak like a pirate\.\n/);

    await setInstructions(token, null);
    const after = crypto.randomUUID();
    await exchange(token, id, `[[fake tokens=2 prompt=1 key=${after}]] three`);
    expect((await fakeRequests(after))[0]!.system).toBe(false);
  });

  it("a widget visitor's reply gets the site's prompt, never the owner's instructions", async () => {
    const { token } = await signIn();
    await setInstructions(token, 'OWNER-SECRET-INSTRUCTIONS');
    const site = await createSite(token, { model: 'anthropic/claude-haiku-4-5', systemPrompt: 'You sell shoes.' });
    const visitor = await visit(site.publicKey);
    const id = await visitorConversation(visitor);
    const key = crypto.randomUUID();
    const res = await visitorSend(visitor, id, `[[fake tokens=2 prompt=1 key=${key}]] hi`);
    expect(res.status).toBe(200);
    await collectEvents(res.body!);
    const [request] = await fakeRequests(key);
    expect(request!.prompt).toMatch(/^You sell shoes\.\n/);
    expect(request!.prompt).not.toContain('OWNER-SECRET-INSTRUCTIONS');
  });

  it('a /v1 request gets only the system prompt its program sends', async () => {
    const { token } = await signIn();
    await setInstructions(token, 'OWNER-SECRET-INSTRUCTIONS');
    const { key: apiKey } = await createKey(token, 'program');
    const key = crypto.randomUUID();
    const res = await call('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        model: 'anthropic/claude-haiku-4-5',
        messages: [{ role: 'user', content: `[[fake tokens=2 prompt=1 key=${key}]] hi` }],
      }),
    });
    expect(res.status).toBe(200);
    const [request] = await fakeRequests(key);
    expect(request!.system).toBe(false);
    expect(request!.prompt).not.toContain('OWNER-SECRET-INSTRUCTIONS');
  });
});

describe("the Limiter's copy of the instructions", () => {
  it('counts them in the prompt it reserves, and leaves the reply what the context window has left', async () => {
    const { token, userId } = await signIn();
    const text = 'Always answer in verse. '.repeat(100);
    await setInstructions(token, text);
    const limiter = userLimiter(env, userId);
    const base = { userId, promptTokens: 1_000, maxOutputTokens: 2_000, rateLimit: false };
    const plain = await limiter.reserve({ ...base, reservationId: crypto.randomUUID() });
    const reservedPlain = (await limiter.quota(userId)).reserved;
    expect(plain).toMatchObject({ ok: true, outputTokens: 2_000 });
    expect(plain.ok && plain.instructions).toBeFalsy();

    const withThem = await limiter.reserve({
      ...base,
      reservationId: crypto.randomUUID(),
      instructions: { contextWindow: 1_000_000 },
    });
    expect(withThem).toMatchObject({ ok: true, instructions: text, instructionTokens: estimateTokens(text) });
    expect((await limiter.quota(userId)).reserved - reservedPlain).toBe(3_000 + estimateTokens(text));

    // A small window: the reply gets what is left after the prompt and the instructions.
    const tight = await limiter.reserve({
      ...base,
      reservationId: crypto.randomUUID(),
      instructions: { contextWindow: 3_000 },
    });
    expect(tight).toMatchObject({ ok: true, outputTokens: 2_000 - estimateTokens(text) });
    const none = await limiter.reserve({
      ...base,
      reservationId: crypto.randomUUID(),
      instructions: { contextWindow: 1_100 },
    });
    expect(none).toMatchObject({ ok: false, status: 400, code: 'context_length_exceeded' });
  });

  it('keeps them across a restart (its SQLite), and takes the newest of two saves arriving out of order', async () => {
    const { token, userId } = await signIn();
    await setInstructions(token, 'Kept.');
    const limiter = userLimiter(env, userId);
    await limiter.setInstructions(userId, 'An older save', 1);
    const reloaded = await runInDurableObject(
      limiter,
      (_: Limiter, state) => new LimiterStore(state.storage).instructions,
    );
    expect(reloaded?.text).toBe('Kept.');
  });

  it('a Limiter that never had them (one from before this deploy) loads them from Postgres before its next decision', async () => {
    const { token, userId } = await signIn();
    const limiter = userLimiter(env, userId);
    expect(await limiter.quota(userId)).toMatchObject({ used: 0 });
    // Saved straight into Postgres, and the Limiter made to look like one from before instructions were kept.
    const saved = { customInstructions: 'From Postgres.', customInstructionsUpdatedAt: new Date() };
    await createDb(env)
      .insert(profiles)
      .values({ id: userId, ...saved })
      .onConflictDoUpdate({ target: profiles.id, set: saved });
    await runInDurableObject(limiter, (instance: Limiter, state) => {
      state.storage.sql.exec('delete from instructions');
      (instance as unknown as { store: LimiterStore }).store.instructions = undefined;
    });
    const id = await createConversation(token, { model: 'anthropic/claude-haiku-4-5' });
    const key = crypto.randomUUID();
    await exchange(token, id, `[[fake tokens=2 prompt=1 key=${key}]] hi`);
    expect((await fakeRequests(key))[0]!.prompt).toMatch(/^From Postgres\.\n/);
  });
});
