// Issue 8: /v1/models and /v1/chat/completions on the wire: OpenAI's request and response shapes,
// parameters refused by name, errors in OpenAI's shape, quotas and rate limits per key, usage
// recorded against the key and charged to its owner, nothing stored as a conversation.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import {
  call,
  complete,
  createKey,
  eventually,
  keyOutOfQuota,
  signIn,
  userWithKey,
  type OpenAiErrorBody,
} from './helpers.ts';

const fake = inject('fakeUpstreamUrl');
const user = (content: string) => [{ role: 'user', content }];

/** The `data:` payloads of an OpenAI stream, `[DONE]` kept as the string. */
async function dataLines(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => {
      const data = block.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

async function fakeRequests(key: string) {
  const res = await fetch(`${fake}/__control/requests?key=${key}`);
  return res.json<
    Array<{ status: string; model: string; stream: boolean; tokensSent: number; sampling?: Record<string, unknown> }>
  >();
}

async function usageOf(userId: string) {
  return createDb(env).select().from(usageEvents).where(eq(usageEvents.userId, userId));
}

describe('GET /v1/models', () => {
  it("lists every configured model by Parley id, in OpenAI's list format", async () => {
    const { key } = await userWithKey();
    const listed = await (await call('/v1/models', { token: key })).json<{
      object: string;
      data: Array<{ id: string; object: string; owned_by: string; created: number }>;
    }>();
    const offered = await (await call('/api/models')).json<{ models: Array<{ id: string; provider: string }> }>();
    expect(listed.object).toBe('list');
    expect(listed.data.map((m) => m.id)).toEqual(offered.models.map((m) => m.id));
    expect(listed.data[0]).toEqual({
      id: offered.models[0]!.id,
      object: 'model',
      owned_by: offered.models[0]!.provider,
      created: expect.any(Number),
    });
  });

  it('takes API keys only: a session token is refused', async () => {
    const { token } = await signIn();
    const res = await call('/v1/models', { token });
    expect(res.status).toBe(401);
    expect((await res.json<OpenAiErrorBody>()).error.code).toBe('invalid_api_key');
  });
});

describe('POST /v1/chat/completions', () => {
  it.each([
    ['anthropic/claude-haiku-4-5', 'anthropic'],
    ['openai/gpt-4.1-mini', 'openai'],
    ['google/gemini-2.5-flash', 'gemini'],
  ] as const)('answers %s as a chat.completion, and records its usage against the key', async (model, vendor) => {
    const { key, keyId, userId } = await userWithKey();
    const marker = `whole-${crypto.randomUUID()}`;
    const res = await complete(key, {
      model,
      max_tokens: 1000,
      messages: [{ role: 'system', content: 'Be brief.' }, ...user(`hi [[fake tokens=6 key=${marker}]]`)],
    });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content: expectedReplyText(vendor, 6) }, finish_reason: 'stop' },
      ],
      usage: { completion_tokens: 6 },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    // Not streamed to the client, so not streamed from the vendor: one whole reply, once.
    expect(await fakeRequests(marker)).toEqual([expect.objectContaining({ status: 'completed', stream: false })]);

    const events = await eventually(
      () => usageOf(userId),
      (rows) => rows.length === 1,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      subjectType: 'api_key',
      subjectId: keyId,
      conversationId: null,
      messageId: null,
      model,
      inputTokens: body.usage.prompt_tokens,
      outputTokens: body.usage.completion_tokens,
    });
  });

  it('streams from Anthropic a reply not streamed whose max_tokens could take over ten minutes, as its SDK requires', async () => {
    const { key } = await userWithKey();
    const marker = `long-${crypto.randomUUID()}`;
    // No max_tokens: Parley asks for up to 32,000, which the SDK refuses to send unstreamed (above 21,333).
    const res = await complete(key, {
      model: 'anthropic/claude-haiku-4-5',
      messages: user(`hi [[fake tokens=3 key=${marker}]]`),
    });
    expect(await res.json<any>()).toMatchObject({
      choices: [{ message: { content: expectedReplyText('anthropic', 3) }, finish_reason: 'stop' }],
    });
    expect(await fakeRequests(marker)).toEqual([expect.objectContaining({ status: 'completed', stream: true })]);
  });

  it('streams chat.completion.chunk events: role first, usage null on each, totals last with include_usage, then [DONE]', async () => {
    const { key } = await userWithKey();
    const marker = `streamed-${crypto.randomUUID()}`;
    const res = await complete(key, {
      model: 'openai/gpt-4.1-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: user(`hi [[fake tokens=4 key=${marker}]]`),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = (await dataLines(res)) as any[];
    expect(await fakeRequests(marker)).toEqual([expect.objectContaining({ stream: true })]);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id)).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const content = chunks.flatMap((c) => c.choices.map((choice: any) => choice.delta.content ?? '')).join('');
    expect(content).toBe(expectedReplyText('openai', 4));
    const finishes = chunks.flatMap((c) => c.choices.map((choice: any) => choice.finish_reason)).filter(Boolean);
    expect(finishes).toEqual(['stop']);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4 } });
  });

  it('streams without usage fields when include_usage is not asked for', async () => {
    const { key } = await userWithKey();
    const data = (await dataLines(
      await complete(key, { model: 'google/gemini-2.5-flash', stream: true, messages: user('[[fake tokens=3]]') }),
    )) as any[];
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.slice(0, -1).some((c) => 'usage' in c)).toBe(false);
  });

  it('reports finish_reason length when max_tokens cuts the reply', async () => {
    const { key } = await userWithKey();
    const body = await (
      await complete(key, { model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: user('[[fake tokens=50]]') })
    ).json<any>();
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(5);
    expect(body.choices[0].message.content).toBe(expectedReplyText('anthropic', 50, 5));
  });

  it('passes temperature, top_p, stop and the token limit to the vendor', async () => {
    const { key } = await userWithKey();
    const tag = crypto.randomUUID();
    for (const model of ['anthropic/claude-haiku-4-5', 'openai/gpt-4.1-mini', 'google/gemini-2.5-flash']) {
      const res = await complete(key, {
        model,
        temperature: 0.3,
        top_p: 0.9,
        stop: ['###'],
        max_completion_tokens: 77,
        messages: user(`[[fake key=${tag}]] x`),
      });
      expect(res.status).toBe(200);
    }
    const seen = (await fakeRequests(tag)).map((r) => r.sampling);
    expect(seen).toEqual(Array(3).fill({ temperature: 0.3, topP: 0.9, stop: ['###'], maxTokens: 77 }));
  });

  it('stores nothing as a conversation', async () => {
    const { token, key } = await userWithKey();
    await (await complete(key, { model: 'openai/gpt-4.1-mini', messages: user('[[fake tokens=2]]') })).text();
    const list = await (await call('/api/conversations', { token })).json<{ items: unknown[] }>();
    expect(list.items).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['n > 1', { n: 2 }, 'n', /one choice/],
    ['a tool that is not a function', { tools: [{ type: 'web_search' }] }, 'tools[0].type', /function/],
    ['logprobs', { logprobs: true }, 'logprobs', /logprobs/],
    [
      'a JSON schema without its schema',
      { response_format: { type: 'json_schema', json_schema: { name: 'x' } } },
      'response_format.json_schema.schema',
      /JSON Schema is required/,
    ],
    ['a penalty', { presence_penalty: 0.5 }, 'presence_penalty', /refused rather than ignored/],
    ['an unknown argument', { frobnicate: true }, 'frobnicate', /unrecognized request argument/],
    [
      'an image at a plain http URL',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url: 'http://x/y.png' } },
            ],
          },
        ],
      },
      'messages[0].content[1].image_url.url',
      /must be https/,
    ],
    [
      'a tool message answering no call',
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'tool', content: '42', tool_call_id: 'c1' },
        ],
      },
      'messages[1].tool_call_id',
      /answer a tool call/,
    ],
    ['tool_choice without tools', { tool_choice: 'required' }, 'tool_choice', /only allowed when 'tools'/],
    [
      'JSON mode without a schema for Claude',
      { response_format: { type: 'json_object' } },
      'response_format',
      /json_schema/,
    ],
    ['only a system message', { messages: [{ role: 'system', content: 'hi' }] }, 'messages', /user message/],
    ['max_tokens beyond the model', { max_tokens: 1_000_000 }, 'max_tokens', /at most 64000/],
    ['temperature 1.5 for Claude', { temperature: 1.5 }, 'temperature', /0 to 1/],
    ['a negative temperature', { temperature: -1 }, 'temperature', /temperature/],
  ])('refuses %s with a 400 naming the parameter', async (_, patch, param, message) => {
    const { key } = await userWithKey();
    const res = await complete(key, { model: 'anthropic/claude-haiku-4-5', messages: user('hi'), ...patch });
    expect(res.status).toBe(400);
    const { error } = await res.json<OpenAiErrorBody>();
    expect(error).toMatchObject({ type: 'invalid_request_error', param });
    expect(error.message).toMatch(message);
  });

  it('accepts parameters that hold their defaults, and text parts', async () => {
    const { key } = await userWithKey();
    const res = await complete(key, {
      model: 'openai/gpt-4.1-mini',
      n: 1,
      tools: [],
      logprobs: false,
      response_format: { type: 'text' },
      presence_penalty: 0,
      user: 'end-user-7',
      store: false,
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: '[[fake tokens=2]]' }] },
      ],
    });
    expect(res.status).toBe(200);
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const { key } = await userWithKey();
    const res = await complete(key, { model: 'gpt-5-turbo-ultra', messages: user('hi') });
    expect(res.status).toBe(404);
    expect((await res.json<OpenAiErrorBody>()).error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('checks the key before the body: no key and a bad body is 401', async () => {
    const res = await call('/v1/chat/completions', { method: 'POST', body: '{"model": 1}' });
    expect(res.status).toBe(401);
  });

  it('says when the quota is used up: 429 insufficient_quota, marked not to retry', async () => {
    const freshKey = await keyOutOfQuota();
    const res = await complete(freshKey, { model: 'openai/gpt-4.1-mini', messages: user('hi') });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect((await res.json<OpenAiErrorBody>()).error).toMatchObject({
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    });
  });

  it("refuses a model outside the owner's plan with 403", async () => {
    const { key } = await userWithKey();
    const res = await complete(key, { model: 'anthropic/claude-opus-4-7', messages: user('hi') });
    expect(res.status).toBe(403);
    expect((await res.json<OpenAiErrorBody>()).error.code).toBe('model_not_in_plan');
  });

  it("rate-limits each key on its own bucket: one key's burst leaves its sibling and the owner's chat alone", async () => {
    const { token, key } = await userWithKey();
    const sibling = (await createKey(token, 'sibling')).key;
    const burst = TIER_LIMITS.free.requestsPerMinute;
    const statuses = [];
    for (let i = 0; i <= burst; i++)
      statuses.push(
        (await complete(key, { model: 'openai/gpt-4.1-mini', messages: user('[[fake tokens=1 ttft=0]]') })).status,
      );
    expect(statuses.slice(0, burst).every((s) => s === 200)).toBe(true);
    const limited = await complete(key, { model: 'openai/gpt-4.1-mini', messages: user('[[fake tokens=1]]') });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await limited.json<OpenAiErrorBody>()).error).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
    expect(
      (await complete(sibling, { model: 'openai/gpt-4.1-mini', messages: user('[[fake tokens=1]]') })).status,
    ).toBe(200);
  });

  it("fails over to the model's fallback when it keeps failing before its first token", async () => {
    const { key } = await userWithKey();
    const body = await (
      await complete(key, {
        model: 'anthropic/claude-sonnet-5-5',
        messages: user(`[[fake fail=529 failcount=3 tokens=3 key=${crypto.randomUUID()}]]`),
      })
    ).json<any>();
    expect(body.model).toBe('anthropic/claude-haiku-4-5');
    expect(body.choices[0].message.content).toBe(expectedReplyText('anthropic', 3));
  });

  it('maps a vendor failure before the first token to an OpenAI-shaped error with its own status, streaming or not', async () => {
    const { key } = await userWithKey();
    for (const stream of [false, true]) {
      const res = await complete(key, {
        model: 'openai/gpt-4o-mini',
        stream,
        messages: user(`[[fake fail=500 failcount=9 key=${crypto.randomUUID()}]]`),
      });
      expect(res.status).toBe(502);
      expect((await res.json<OpenAiErrorBody>()).error).toMatchObject({ type: 'server_error', code: 'upstream_error' });
    }
  });

  it('ends a stream that fails midway with an error event after the text so far', async () => {
    const { key } = await userWithKey();
    const data = (await dataLines(
      await complete(key, {
        model: 'openai/gpt-4o-mini',
        stream: true,
        messages: user(`[[fake tokens=10 fail=500 failafter=3 key=${crypto.randomUUID()}]]`),
      }),
    )) as any[];
    expect(data.filter((d) => d.choices?.[0]?.delta?.content).length).toBe(3);
    expect(data.at(-1)).toMatchObject({ error: { type: 'server_error' } });
  });

  it('stops the vendor call when the client goes away, and still charges what was generated', async () => {
    const { key, userId } = await userWithKey();
    const tag = crypto.randomUUID();
    const res = await complete(key, {
      model: 'anthropic/claude-haiku-4-5',
      stream: true,
      messages: user(`[[fake tokens=400 tps=40 key=${tag}]]`),
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    const requests = await eventually(
      () => fakeRequests(tag),
      (r) => r[0]?.status === 'client_closed',
    );
    expect(requests[0]!.status).toBe('client_closed');
    const events = await eventually(
      () => usageOf(userId),
      (rows) => rows.length === 1,
    );
    expect(events[0]!.outputTokens).toBeGreaterThan(0);
    expect(events[0]!.outputTokens).toBeLessThan(400);
  });
});

describe('CORS', () => {
  it('answers a /v1 preflight from any origin, reflecting the headers asked for', async () => {
    const res = await call('/v1/chat/completions', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://someone.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-stainless-os',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization.*content-type.*x-stainless-os/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  it('lets a browser on any origin read a /v1 answer, errors included', async () => {
    const res = await call('/v1/models', { headers: { origin: 'https://someone.example' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("allows /api/* only from the app's own origin and those configured", async () => {
    const preflight = (origin: string) =>
      call('/api/conversations', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('http://localhost')).headers.get('access-control-allow-origin')).toBe('http://localhost');
    expect((await preflight('https://admin.example')).headers.get('access-control-allow-origin')).toBe(
      'https://admin.example',
    );
    const { token } = await signIn();
    const foreign = await call('/api/me', { token, headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
