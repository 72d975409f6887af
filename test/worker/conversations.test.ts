// The conversation API's contract: validation, ownership, paging, deletion, models and OpenAPI.
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app.ts';
import { createdKeySchema, keyListSchema } from '../../worker/schemas/keys.ts';
import { modelListSchema } from '../../worker/schemas/models.ts';
import {
  chatCompletionChunkSchema,
  chatCompletionSchema,
  openAiErrorSchema,
  openAiModelListSchema,
} from '../../worker/schemas/openai.ts';
import { BASE, call, complete, eventually, sendMessage, signIn, userWithKey, type ErrorEnvelope } from './helpers.ts';
import { collectEvents, readEvents, textOf, type ParsedEvent } from './sse.ts';

async function create(token: string, body: Record<string, unknown> = {}) {
  const res = await call('/api/conversations', { method: 'POST', token, body: JSON.stringify(body) });
  return { res, body: await res.json<any>() };
}

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

describe('validation', () => {
  it('refuses an unknown model with 400 unknown_model, on create, update and send', async () => {
    const { token } = await signIn();
    const created = await create(token, { model: 'acme/nope' });
    expect({ status: created.res.status, ...created.body.error }).toMatchObject({ status: 400, code: 'unknown_model' });
    const { body: conversation } = await create(token);
    const patch = await call(`/api/conversations/${conversation.id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({ model: 'acme/nope' }),
    });
    expect(await errorOf(patch)).toMatchObject({ status: 400, code: 'unknown_model' });
    const send = await call(`/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: 'hi', model: 'acme/nope' }),
    });
    expect(await errorOf(send)).toMatchObject({
      status: 400,
      code: 'unknown_model',
      message: expect.stringMatching(/acme\/nope/),
    });
  });

  it('refuses empty content with 400 and content over 100,000 characters with 413', async () => {
    const { token } = await signIn();
    const { body: conversation } = await create(token);
    const path = `/api/conversations/${conversation.id}/messages`;
    expect(
      await errorOf(await call(path, { method: 'POST', token, body: JSON.stringify({ content: '   ' }) })),
    ).toMatchObject({ status: 400, code: 'invalid_request', message: expect.stringMatching(/content/) });
    expect(await errorOf(await call(path, { method: 'POST', token, body: JSON.stringify({}) }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    expect(
      await errorOf(
        await call(path, { method: 'POST', token, body: JSON.stringify({ content: 'x'.repeat(100_001) }) }),
      ),
    ).toMatchObject({ status: 413, code: 'content_too_large' });
    // Nothing was saved by the refused sends.
    const found = await call(`/api/conversations/${conversation.id}`, { token });
    expect((await found.json<any>()).messages).toEqual([]);
  });

  it('accepts content of exactly 100,000 characters', async () => {
    const { token } = await signIn();
    const { body: conversation } = await create(token);
    const res = await call(`/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: `[[fake tokens=2]] ${'x'.repeat(99_982)}` }),
    });
    expect(res.status).toBe(200);
    expect((await collectEvents(res.body!)).at(-1)?.event).toBe('done');
  });

  it('refuses a malformed id, unknown fields and an empty update with 400', async () => {
    const { token } = await signIn();
    expect((await call('/api/conversations/not-a-uuid', { token })).status).toBe(400);
    expect((await create(token, { title: 'x', admin: true })).res.status).toBe(400);
    const { body: conversation } = await create(token);
    expect(
      await errorOf(await call(`/api/conversations/${conversation.id}`, { method: 'PATCH', token, body: '{}' })),
    ).toMatchObject({ status: 400, message: expect.stringMatching(/nothing to change/) });
  });

  it('needs a signed-in user', async () => {
    expect((await call('/api/conversations')).status).toBe(401);
  });
});

describe("someone else's conversation", () => {
  it('is a 404 for every route, and nothing changes', async () => {
    const owner = await signIn();
    const intruder = await signIn();
    const { body: conversation } = await create(owner.token, { title: 'private' });
    const path = `/api/conversations/${conversation.id}`;
    const attempts = [
      call(path, { token: intruder.token }),
      call(path, { method: 'PATCH', token: intruder.token, body: JSON.stringify({ title: 'mine now' }) }),
      call(path, { method: 'DELETE', token: intruder.token }),
      call(`${path}/messages`, { method: 'POST', token: intruder.token, body: JSON.stringify({ content: 'hi' }) }),
      call(`${path}/stream`, { token: intruder.token }),
      call(`${path}/stop`, { method: 'POST', token: intruder.token }),
    ];
    for (const res of await Promise.all(attempts))
      expect(await errorOf(res)).toMatchObject({ status: 404, code: 'not_found' });
    const mine = await (await call(path, { token: owner.token })).json<any>();
    expect(mine).toMatchObject({ title: 'private', messages: [] });
  });
});

describe("someone else's conversation while a reply streams", () => {
  it('is still a 404 (not 409), decided before anything else (issue 6)', async () => {
    const owner = await signIn();
    const intruder = await signIn();
    const { body: conversation } = await create(owner.token);
    const streaming = await sendMessage(owner.token, conversation.id, '[[fake tokens=200 tps=100]] busy');
    const path = `/api/conversations/${conversation.id}`;
    for (const res of [
      await sendMessage(intruder.token, conversation.id, 'is it busy?'),
      await call(`${path}/stream`, { token: intruder.token }),
      await call(`${path}/stop`, { method: 'POST', token: intruder.token }),
    ])
      expect(await errorOf(res)).toMatchObject({ status: 404, code: 'not_found' });
    await call(`${path}/stop`, { method: 'POST', token: owner.token });
    expect((await collectEvents(streaming.body!)).at(-1)).toMatchObject({
      event: 'done',
      data: { stopReason: 'stopped' },
    });
  });
});

describe('one conversation, one room', () => {
  it('an id spelled in upper case reaches the same room: no second reply, and its delete stops the reply (issue 6)', async () => {
    const { token } = await signIn();
    const { body: conversation } = await create(token);
    const upper = conversation.id.toUpperCase();
    const first = await sendMessage(token, conversation.id, '[[fake tokens=400 tps=100]] long');
    expect(await errorOf(await sendMessage(token, upper, 'a second reply at once?'))).toMatchObject({
      status: 409,
      code: 'reply_in_progress',
    });
    const read = await (await call(`/api/conversations/${upper}`, { token })).json<any>();
    expect(read.id).toBe(conversation.id);
    expect(read.messages.at(-1).status).toBe('streaming');
    expect((await call(`/api/conversations/${upper}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await collectEvents(first.body!)).at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'stopped' } });
    expect((await call(`/api/conversations/${conversation.id}`, { token })).status).toBe(404);
  });
});

describe('reads right after writes', () => {
  it('GET shows a reply in flight with its text so far, then as it ended', async () => {
    const { token } = await signIn();
    const { body: conversation } = await create(token);
    const res = await sendMessage(token, conversation.id, '[[fake tokens=100 tps=100]] watch me');
    const seen: ParsedEvent[] = [];
    for await (const event of readEvents(res.body!)) {
      seen.push(event);
      if (seen.filter((e) => e.event === 'delta').length === 10) break;
    }
    const midway = await (await call(`/api/conversations/${conversation.id}`, { token })).json<any>();
    expect(midway.messages.map((m: any) => m.role)).toEqual(['user', 'assistant']);
    expect(midway.messages[1].status).toBe('streaming');
    expect(midway.messages[1].content.startsWith(textOf(seen))).toBe(true);
    const ended = await eventually(
      async () => (await call(`/api/conversations/${conversation.id}`, { token })).json<any>(),
      (c) => c.messages[1].status !== 'streaming',
    );
    expect(ended.messages[1]).toMatchObject({ status: 'complete', outputTokens: 100 });
  });

  it('a rename is seen by the next read at once', async () => {
    const { token } = await signIn();
    const { body: conversation } = await create(token, { title: 'before' });
    await call(`/api/conversations/${conversation.id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({ title: 'after' }),
    });
    expect((await (await call(`/api/conversations/${conversation.id}`, { token })).json<any>()).title).toBe('after');
  });
});

describe('a delete racing a send', () => {
  it('never answers 503 or 500: each send either streams or is a 404, and the conversation is gone (issue 6)', async () => {
    const { token } = await signIn();
    for (let round = 0; round < 5; round++) {
      const { body: conversation } = await create(token);
      const [sent, deleted] = await Promise.all([
        sendMessage(token, conversation.id, '[[fake tokens=20 tps=200]] racing'),
        call(`/api/conversations/${conversation.id}`, { method: 'DELETE', token }),
      ]);
      expect([200, 404]).toContain(sent.status);
      expect(deleted.status).toBe(204);
      if (sent.status === 200) await collectEvents(sent.body!);
      else await sent.body?.cancel();
      expect((await call(`/api/conversations/${conversation.id}`, { token })).status).toBe(404);
    }
  });
});

describe('conversations', () => {
  it('lists newest first, a page at a time', async () => {
    const { token } = await signIn();
    const ids: string[] = [];
    for (const title of ['first', 'second', 'third']) ids.push((await create(token, { title })).body.id);
    // Lists come from Postgres, written behind the rooms: they may lag by one flush.
    await eventually(
      async () => (await (await call('/api/conversations', { token })).json<any>()).items.length,
      (n) => n === 3,
    );
    const page1 = await (await call('/api/conversations?limit=2', { token })).json<any>();
    expect(page1.items.map((c: any) => c.title)).toEqual(['third', 'second']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await (await call(`/api/conversations?limit=2&cursor=${page1.nextCursor}`, { token })).json<any>();
    expect(page2.items.map((c: any) => c.title)).toEqual(['first']);
    expect(page2.nextCursor).toBeNull();
    expect((await call('/api/conversations?limit=0', { token })).status).toBe(400);
    expect((await call('/api/conversations?cursor=garbage', { token })).status).toBe(400);
  });

  it('filters by title with ?q=: any case, %, _ and backslash taken literally, same order and paging', async () => {
    const { token } = await signIn();
    const titles = [
      'Tides and moons',
      'other',
      '100% sure',
      'snake_case',
      'back\\slash',
      'TIDE tables',
      'a1005 sure',
      'snakeXcase',
    ];
    for (const title of titles) await create(token, { title });
    await eventually(
      async () => (await (await call('/api/conversations?limit=100', { token })).json<any>()).items.length,
      (n) => n === titles.length,
    );
    const search = async (q: string, extra = '') => {
      const res = await call(`/api/conversations?q=${encodeURIComponent(q)}${extra}`, { token });
      expect(res.status).toBe(200);
      return res.json<any>();
    };
    const titlesOf = (page: any) => page.items.map((c: any) => c.title);

    expect(titlesOf(await search('tide'))).toEqual(['TIDE tables', 'Tides and moons']);
    expect(titlesOf(await search('  tIdE  '))).toEqual(['TIDE tables', 'Tides and moons']); // trimmed
    expect(titlesOf(await search('0%'))).toEqual(['100% sure']);
    expect(titlesOf(await search('e_c'))).toEqual(['snake_case']);
    expect(titlesOf(await search('k\\s'))).toEqual(['back\\slash']);
    expect(titlesOf(await search('nowhere'))).toEqual([]);

    const first = await search('tide', '&limit=1');
    expect(titlesOf(first)).toEqual(['TIDE tables']);
    const second = await search('tide', `&limit=1&cursor=${first.nextCursor}`);
    expect(titlesOf(second)).toEqual(['Tides and moons']);
    expect(second.nextCursor).toBeNull();

    expect(await errorOf(await call('/api/conversations?q=%20%20', { token }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    expect(await errorOf(await call(`/api/conversations?q=${'x'.repeat(201)}`, { token }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    // Someone else's titles are never found.
    const stranger = await signIn();
    expect((await (await call('/api/conversations?q=tide', { token: stranger.token })).json<any>()).items).toEqual([]);
  });

  it('moves a conversation to the top when a message is sent in it', async () => {
    const { token } = await signIn();
    const older = (await create(token, { title: 'older' })).body.id;
    await create(token, { title: 'newer' });
    await collectEvents(
      (
        await call(`/api/conversations/${older}/messages`, {
          method: 'POST',
          token,
          body: JSON.stringify({ content: '[[fake tokens=2]] bump' }),
        })
      ).body!,
    );
    const list = await eventually(
      async () => (await call('/api/conversations', { token })).json<any>(),
      (l) => l.items[0]?.id === older,
    );
    expect(list.items[0].id).toBe(older);
  });

  it('renames, changes model and system prompt', async () => {
    const { token } = await signIn();
    const { body: conversation } = await create(token, { title: 'draft', systemPrompt: 'Be terse.' });
    const res = await call(`/api/conversations/${conversation.id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({ title: 'final', model: 'openai/gpt-4.1-mini', systemPrompt: null }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ title: 'final', model: 'openai/gpt-4.1-mini', systemPrompt: null });
  });

  it('deletes a conversation with its messages', async () => {
    const { token } = await signIn();
    const { body: conversation } = await create(token);
    await collectEvents(
      (
        await call(`/api/conversations/${conversation.id}/messages`, {
          method: 'POST',
          token,
          body: JSON.stringify({ content: '[[fake tokens=2]] hi' }),
        })
      ).body!,
    );
    expect((await call(`/api/conversations/${conversation.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await call(`/api/conversations/${conversation.id}`, { token })).status).toBe(404);
  });
});

describe('GET /api/models', () => {
  it('lists only models whose provider is configured, with price and context window', async () => {
    const all = await (await call('/api/models')).json<any>();
    expect(new Set(all.models.map((m: any) => m.provider))).toEqual(
      new Set(['anthropic', 'openai', 'google', 'openai-compat']),
    );
    expect(all.models.find((m: any) => m.id === 'openai/gpt-4.1-mini')).toMatchObject({
      contextWindow: expect.any(Number),
      price: { inputPerMillionTokens: expect.any(Number) },
    });
    expect(all.models.filter((m: any) => m.default)).toHaveLength(1);
    // What stands in for a model when it fails, in order.
    expect(all.models.find((m: any) => m.id === 'anthropic/claude-sonnet-5-5').fallbacks).toEqual([
      'anthropic/claude-haiku-4-5',
    ]);
    expect(all.models.find((m: any) => m.id === 'anthropic/claude-haiku-4-5').fallbacks).toEqual([]);

    const anthropicOnly = { ...env, OPENAI_API_KEY: '', GEMINI_API_KEY: '', OPENAI_COMPAT_BASE_URL: '' };
    const res = await app.fetch(new Request(`${BASE}/api/models`), anthropicOnly, createExecutionContext());
    const some = await res.json<any>();
    expect(some.models.length).toBeGreaterThan(0);
    expect(some.models.every((m: any) => m.provider === 'anthropic')).toBe(true);
  });
});

describe('GET /api/models offline marks', () => {
  it('marks the models of providers answering through the local fakes (OFFLINE_PROVIDERS) as offline, and no others', async () => {
    const { models } = await (await call('/api/models')).json<{
      models: Array<{ id: string; provider: string; offline: boolean }>;
    }>();
    expect(models.filter((m) => m.offline).map((m) => m.provider)).toEqual(expect.arrayContaining(['google']));
    for (const m of models) expect(m.offline).toBe(m.provider === 'google'); // the worker suite sets OFFLINE_PROVIDERS=gemini

    const fakes = { ...env, OFFLINE_PROVIDERS: ' anthropic, OpenAI ,no-such-vendor' };
    const res = await app.fetch(new Request(`${BASE}/api/models`), fakes, createExecutionContext());
    for (const m of (await res.json<{ models: Array<{ provider: string; offline: boolean }> }>()).models) {
      expect(m.offline).toBe(m.provider === 'anthropic' || m.provider === 'openai');
    }
    const none = await app.fetch(
      new Request(`${BASE}/api/models`),
      { ...env, OFFLINE_PROVIDERS: '' },
      createExecutionContext(),
    );
    expect((await none.json<{ models: Array<{ offline: boolean }> }>()).models.every((m) => !m.offline)).toBe(true);
  });

  it('is described by the documented schema, field for field', async () => {
    const body = await (await call('/api/models')).json();
    expect(modelListSchema.parse(body)).toEqual(body);
  });
});

describe('OpenAPI', () => {
  it('is generated from the schemas the routes validate with', async () => {
    const doc = await (await call('/api/openapi.json')).json<any>();
    expect(doc.openapi).toBe('3.1.0');
    const send = doc.paths['/api/conversations/{id}/messages'].post;
    expect(send.requestBody.content['application/json'].schema).toMatchObject({
      required: ['content'],
      additionalProperties: false,
    });
    const list = doc.paths['/api/conversations'].get;
    expect(list.parameters.find((p: any) => p.name === 'limit').schema).toMatchObject({
      minimum: 1,
      maximum: 100,
      default: 20,
    });
    expect(list.parameters.find((p: any) => p.name === 'q')).toMatchObject({
      required: false,
      schema: { minLength: 1, maxLength: 200 },
    });
    expect(send.responses['200'].content).toHaveProperty('text/event-stream');
  });

  it("describes API keys and the OpenAI-compatible API, which takes API keys and answers errors in OpenAI's shape", async () => {
    const doc = await (await call('/api/openapi.json')).json<any>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/keys', '/api/keys/{id}', '/v1/models', '/v1/chat/completions']),
    );
    expect(doc.components.securitySchemes.apiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      description: expect.stringContaining('sk-parley-'),
    });

    const keys = doc.paths['/api/keys'];
    expect(keys.post.responses['201'].content['application/json'].schema.required).toContain('key');
    expect(keys.post.summary).toMatch(/once/);
    expect([keys.get.security, keys.post.security, doc.paths['/api/keys/{id}'].delete.security]).toEqual(
      Array(3).fill([{ bearer: [] }]),
    );
    expect(Object.keys(doc.paths['/api/keys/{id}'].delete.responses)).toEqual(expect.arrayContaining(['204', '404']));
    expect(doc.paths['/api/conversations'].get.security).toEqual([{ bearer: [] }, { apiKey: [] }]);

    const completions = doc.paths['/v1/chat/completions'].post;
    expect(completions.security).toEqual([{ apiKey: [] }]);
    expect(completions.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['messages', 'model']),
    );
    expect(Object.keys(completions.responses['200'].content)).toEqual(['application/json', 'text/event-stream']);
    expect(Object.keys(completions.responses)).toEqual(
      expect.arrayContaining(['400', '401', '403', '404', '413', '429', '502', '503', '504']),
    );
    expect(completions.responses['429'].headers).toHaveProperty('Retry-After');
    const openAiError = completions.responses.default.content['application/json'].schema;
    expect(openAiError.properties.error.required).toEqual(['message', 'type', 'param', 'code']);
    expect(completions.responses['404'].content['application/json'].schema).toEqual(openAiError);
    expect(doc.paths['/v1/models'].get.responses.default.content['application/json'].schema).toEqual(openAiError);
  });

  it('describes key and /v1 responses exactly as the routes send them', async () => {
    // Each schema keeps only the fields it knows, so an undocumented field fails toEqual.
    const { token, key } = await userWithKey();
    const created = await (
      await call('/api/keys', { method: 'POST', token, body: JSON.stringify({ name: 'docs' }) })
    ).json();
    expect(createdKeySchema.parse(created)).toEqual(created);
    const listed = await (await call('/api/keys', { token })).json();
    expect(keyListSchema.parse(listed)).toEqual(listed);
    const models = await (await call('/v1/models', { token: key })).json();
    expect(openAiModelListSchema.parse(models)).toEqual(models);

    const messages = [{ role: 'user', content: '[[fake tokens=3]] hi' }];
    const completion = await (await complete(key, { model: 'openai/gpt-4.1-mini', messages })).json();
    expect(chatCompletionSchema.parse(completion)).toEqual(completion);
    const stream = await (
      await complete(key, {
        model: 'openai/gpt-4.1-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      })
    ).text();
    const data = stream
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => block.slice('data: '.length));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    expect(chunks.map((chunk) => chatCompletionChunkSchema.parse(chunk))).toEqual(chunks);

    const refused = await (await complete(key, { model: 'openai/gpt-4.1-mini', messages, seed: 1 })).json();
    expect(openAiErrorSchema.parse(refused)).toEqual(refused);
    expect(refused).toMatchObject({ error: { param: 'seed' } });
  });

  it('is shown at /api/docs', async () => {
    const res = await call('/api/docs');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('/api/conversations/{id}/messages');
    expect(page).toContain('/api/openapi.json');
  });
});
