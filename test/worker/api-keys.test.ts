// Issue 8: API keys. Created with the secret shown once and only its hash stored; a key acts as its
// owner on /api/* and authenticates /v1/*; revocation takes effect at once; unknown, revoked and
// malformed keys get the same 401.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys, profiles } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { generateApiKey, hashApiKey } from '../../worker/auth/api-keys.ts';
import {
  call,
  complete,
  createKey,
  eventually,
  signIn,
  userWithKey,
  type ErrorEnvelope,
  type OpenAiErrorBody,
} from './helpers.ts';

const hello = { model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hello [[fake tokens=3]]' }] };

describe('API keys', () => {
  it('shows the secret once: sk-parley- and 32+ random bytes in base62; lists show name and prefix, never the secret', async () => {
    const { token } = await signIn();
    const created = await createKey(token, 'CI pipeline');
    expect(created.key).toMatch(/^sk-parley-[0-9A-Za-z]{65}$/);
    expect(created.prefix).toBe(created.key.slice(0, 16));
    expect(created).toMatchObject({ name: 'CI pipeline', lastUsedAt: null });

    const list = await call('/api/keys', { token });
    const body = await list.text();
    expect(body).not.toContain(created.key);
    expect(JSON.parse(body)).toEqual({
      items: [
        { id: created.id, name: 'CI pipeline', prefix: created.prefix, createdAt: created.createdAt, lastUsedAt: null },
      ],
    });
  });

  it('stores only the SHA-256 of the secret', async () => {
    const { token } = await signIn();
    const created = await createKey(token);
    const [row] = await createDb(env).select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.keyHash).toBe(await hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(16));
  });

  it('two keys of one user are different secrets', async () => {
    const { token } = await signIn();
    const [a, b] = [await createKey(token), await createKey(token)];
    expect(a.key).not.toBe(b.key);
    expect(a.key.slice(10, 53)).not.toBe(b.key.slice(10, 53));
  });

  it('refuses a nameless key with 400', async () => {
    const { token } = await signIn();
    const res = await call('/api/keys', { method: 'POST', token, body: JSON.stringify({ name: '  ' }) });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('invalid_request');
  });

  it('acts as its owner on /api/*', async () => {
    const { key, userId } = await userWithKey();
    const res = await call('/api/me', { token: key });
    expect(res.status).toBe(200);
    expect((await res.json<{ id: string }>()).id).toBe(userId);
  });

  it('cannot create, list or revoke keys (403): one leaked key must not mint others', async () => {
    const { key, keyId } = await userWithKey();
    for (const [path, method] of [
      ['/api/keys', 'GET'],
      ['/api/keys', 'POST'],
      [`/api/keys/${keyId}`, 'DELETE'],
    ] as const) {
      const res = await call(path, {
        method,
        token: key,
        ...(method === 'POST' ? { body: JSON.stringify({ name: 'x' }) } : {}),
      });
      expect([path, method, res.status]).toEqual([path, method, 403]);
    }
  });

  it('revocation takes effect at once, on /v1 and /api alike', async () => {
    const { token, key, keyId } = await userWithKey();
    expect((await call('/v1/models', { token: key })).status).toBe(200);
    expect((await complete(key, hello)).status).toBe(200);

    expect((await call(`/api/keys/${keyId}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await call('/v1/models', { token: key })).status).toBe(401);
    expect((await complete(key, hello)).status).toBe(401);
    expect((await call('/api/me', { token: key })).status).toBe(401);
    expect((await (await call('/api/keys', { token })).json<{ items: unknown[] }>()).items).toEqual([]);
    // Revoking again is harmless.
    expect((await call(`/api/keys/${keyId}`, { method: 'DELETE', token })).status).toBe(204);
  });

  it('unknown, revoked and malformed keys all get the same 401, with no hint which', async () => {
    const { token, key, keyId } = await userWithKey();
    await call(`/api/keys/${keyId}`, { method: 'DELETE', token });
    const live = await createKeyFor(await signIn());
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'a' ? 'b' : 'a'}${text.slice(at + 1)}`;
    const candidates = {
      revoked: key,
      // A real owner, a secret that owner never had.
      'unknown secret': flip(live, 20),
      // A secret, an owner that does not exist.
      'unknown owner': flip(live, live.length - 1),
      malformed: 'sk-parley-short',
      'owner out of range': `${key.slice(0, 53)}${'z'.repeat(22)}`,
    };
    const answers: Record<string, unknown> = {};
    for (const [kind, candidate] of Object.entries(candidates)) {
      const models = await call('/v1/models', { token: candidate });
      const chat = await complete(candidate, hello);
      answers[kind] = [
        models.status,
        (await models.json<OpenAiErrorBody>()).error,
        chat.status,
        (await chat.json<OpenAiErrorBody>()).error,
      ];
    }
    const [first, ...rest] = Object.values(answers);
    expect((first as unknown[])[0]).toBe(401);
    expect((first as unknown[])[1]).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
    });
    for (const answer of rest) expect(answer).toEqual(first);
  });

  it("one user cannot revoke another's key (404), and the key keeps working", async () => {
    const owner = await userWithKey();
    const stranger = await signIn();
    expect((await call(`/api/keys/${owner.keyId}`, { method: 'DELETE', token: stranger.token })).status).toBe(404);
    expect((await call('/v1/models', { token: owner.key })).status).toBe(200);
  });

  it.each([
    ['/v1/models', (key: string) => call('/v1/models', { token: key })],
    ['/v1/chat/completions', (key: string) => complete(key, hello)],
  ])('records when a key was last used (%s), behind the request', async (_, use) => {
    const { token, key, keyId } = await userWithKey();
    const before = Date.now();
    expect((await use(key)).status).toBe(200);
    const listed = await eventually(
      async () =>
        (
          await (await call('/api/keys', { token })).json<{ items: Array<{ id: string; lastUsedAt: string | null }> }>()
        ).items.find((k) => k.id === keyId),
      (k) => k?.lastUsedAt != null,
    );
    expect(Date.parse(listed!.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("a live key known only to Postgres works: the owner's Limiter learns it when seeded", async () => {
    // Keys reach the Limiter when created and, once a period, from Postgres (the record).
    const user = await signIn();
    const key = await generateApiKey(user.userId);
    const db = createDb(env);
    await db.insert(profiles).values({ id: user.userId }).onConflictDoNothing();
    await db.insert(apiKeys).values({ userId: user.userId, name: 'imported', prefix: key.prefix, keyHash: key.hash });
    expect((await call('/v1/models', { token: key.secret })).status).toBe(200);
  });
});

async function createKeyFor(user: { token: string }) {
  return (await createKey(user.token)).key;
}
