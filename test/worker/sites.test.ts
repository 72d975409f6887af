// Issue 10: widget sites, managed by their owner. Postgres is the record (written first); the
// site's Durable Object holds what visitors' requests read, told of every change before the
// owner's call returns.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { profiles, sites } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { call, signIn, userWithKey, type ErrorEnvelope } from './helpers.ts';
import { HOST, createSite, requestSession, visit, widgetCall, type SiteJson } from './widget-support.ts';

const DEFAULT_MODEL = 'anthropic/claude-sonnet-5-5';

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

describe('sites: create, read, list', () => {
  it('creates a site with a public key and the documented defaults, and reads it back', async () => {
    const { token } = await signIn();
    const res = await call('/api/sites', {
      method: 'POST',
      token,
      body: JSON.stringify({ name: '  Docs  ', allowedOrigins: ['https://Docs.Example.com/'] }),
    });
    expect(res.status).toBe(201);
    const site = await res.json<SiteJson>();
    expect(site).toEqual({
      id: expect.any(String),
      name: 'Docs',
      publicKey: expect.stringMatching(/^pk_site_[0-9A-Za-z]{24}$/),
      allowedOrigins: ['https://docs.example.com'],
      model: null,
      systemPrompt: null,
      greeting: null,
      theme: { color: '#3547d8', position: 'bottom-right', scheme: 'auto' },
      visitorRequestsPerMinute: 10,
      retentionDays: null,
      modelNotice: null,
      publicSuffixOrigins: [],
      sessionsPerIpPerMinute: 10,
      conversationsPerVisitorPerHour: 20,
      dailyTokenBudget: 200_000,
      turnstile: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await (await call(`/api/sites/${site.id}`, { token })).json()).toEqual(site);
  });

  it('takes every field, and lists sites newest first', async () => {
    const { token } = await signIn();
    const first = await createSite(token, { name: 'First' });
    const second = await createSite(token, {
      name: 'Second',
      allowedOrigins: ['https://b.example', 'https://*.b.example', 'http://localhost:8080', 'https://b.example/'],
      model: DEFAULT_MODEL,
      systemPrompt: 'You answer questions about B.',
      greeting: 'Hi! Ask me about B.',
      theme: { color: '#AA00FF', position: 'bottom-left', scheme: 'dark' },
      visitorRequestsPerMinute: 3,
      sessionsPerIpPerMinute: 4,
      conversationsPerVisitorPerHour: 5,
      dailyTokenBudget: 50_000,
    });
    expect(second).toMatchObject({
      allowedOrigins: ['https://b.example', 'https://*.b.example', 'http://localhost:8080'],
      model: DEFAULT_MODEL,
      systemPrompt: 'You answer questions about B.',
      greeting: 'Hi! Ask me about B.',
      theme: { color: '#aa00ff', position: 'bottom-left', scheme: 'dark' },
      visitorRequestsPerMinute: 3,
      sessionsPerIpPerMinute: 4,
      conversationsPerVisitorPerHour: 5,
      dailyTokenBudget: 50_000,
    });
    expect(second.publicKey).not.toBe(first.publicKey);
    const { items } = await (await call('/api/sites', { token })).json<{ items: SiteJson[] }>();
    expect(items.map((s) => s.name)).toEqual(['Second', 'First']);
  });

  it('keeps the record in Postgres, with Row Level Security on', async () => {
    const { token, userId } = await signIn();
    const site = await createSite(token, { allowedOrigins: ['HTTPS://Shop.Example:443'] });
    const [row] = await createDb(env).select().from(sites).where(eq(sites.id, site.id));
    expect(row).toMatchObject({
      userId,
      publicKey: site.publicKey,
      allowedOrigins: ['https://shop.example'],
      visitorRequestsPerMinute: 10,
      greeting: null,
    });
    const [rls] = (
      await createDb(env).execute<{ relrowsecurity: boolean }>(
        `select relrowsecurity from pg_class where relname = 'sites'`,
      )
    ).rows;
    expect(rls!.relrowsecurity).toBe(true);
  });
});

describe('sites: validation', () => {
  it.each([
    ['a path', 'https://example.com/shop'],
    ['a query', 'https://example.com?x=1'],
    ['a fragment', 'https://example.com#top'],
    ['no scheme', 'example.com'],
    ['another scheme', 'ftp://example.com'],
    ['a user name', 'https://me@example.com'],
    ['a bare wildcard', '*'],
    ['a wildcard over a top-level domain', 'https://*.com'],
    ['a wildcard not leading', 'https://shop.*.example.com'],
    ['a wildcard without its dot', 'https://*example.com'],
    ['a bad port', 'https://example.com:70000'],
    ['nothing', ''],
  ])('refuses an allowed origin with %s, naming the entry', async (_, bad) => {
    const { token } = await signIn();
    const res = await call('/api/sites', {
      method: 'POST',
      token,
      body: JSON.stringify({ name: 'x', allowedOrigins: ['https://fine.example', bad] }),
    });
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.message).toContain('allowedOrigins[1]');
    expect(error.message).toContain(`'${bad}'`);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no allowed origin', { allowedOrigins: [] }, 'allowedOrigins'],
    [
      'more than 20 allowed origins',
      { allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://s${i}.example`) },
      'allowedOrigins',
    ],
    ['no name', { name: ' ' }, 'name'],
    ['a rate of 0', { visitorRequestsPerMinute: 0 }, 'visitorRequestsPerMinute'],
    ['a rate over 600', { visitorRequestsPerMinute: 601 }, 'visitorRequestsPerMinute'],
    ['a colour that is not #rrggbb', { theme: { color: 'blue' } }, 'theme.color'],
    ['an unknown position', { theme: { position: 'top-left' } }, 'theme.position'],
    ['an unknown field', { owner: 'me' }, 'owner'],
  ])('refuses %s with 400 naming the field', async (_, change, field) => {
    const { token } = await signIn();
    const res = await call('/api/sites', {
      method: 'POST',
      token,
      body: JSON.stringify({ name: 'x', allowedOrigins: [HOST], ...change }),
    });
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('refuses a model the server does not offer (400 unknown_model), on create and on change', async () => {
    const { token } = await signIn();
    const created = await call('/api/sites', {
      method: 'POST',
      token,
      body: JSON.stringify({ name: 'x', allowedOrigins: [HOST], model: 'acme/none' }),
    });
    expect(await errorOf(created)).toMatchObject({ status: 400, code: 'unknown_model' });
    const site = await createSite(token);
    const changed = await call(`/api/sites/${site.id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({ model: 'acme/none' }),
    });
    expect(await errorOf(changed)).toMatchObject({ status: 400, code: 'unknown_model' });
    expect(await errorOf(await call(`/api/sites/${site.id}`, { method: 'PATCH', token, body: '{}' }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
  });
});

describe('sites: change and delete', () => {
  it('changes only what is sent (theme fields merge), and moves updatedAt forward', async () => {
    const { token } = await signIn();
    const site = await createSite(token, { model: DEFAULT_MODEL, greeting: 'Hello', theme: { scheme: 'dark' } });
    const res = await call(`/api/sites/${site.id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({
        name: 'Renamed',
        theme: { color: '#112233' },
        model: null,
        greeting: null,
        allowedOrigins: ['https://*.shop.example'],
      }),
    });
    expect(res.status).toBe(200);
    const changed = await res.json<SiteJson>();
    expect(changed).toEqual({
      ...site,
      name: 'Renamed',
      theme: { color: '#112233', position: 'bottom-right', scheme: 'dark' },
      model: null,
      greeting: null,
      allowedOrigins: ['https://*.shop.example'],
      updatedAt: expect.any(String),
    });
    expect(Date.parse(changed.updatedAt)).toBeGreaterThan(Date.parse(site.updatedAt));
    const again = await (
      await call(`/api/sites/${site.id}`, { method: 'PATCH', token, body: JSON.stringify({ name: 'Renamed' }) })
    ).json<SiteJson>();
    expect(Date.parse(again.updatedAt)).toBeGreaterThan(Date.parse(changed.updatedAt));
  });

  it('a change reaches visitors at once: a removed origin gets no session, and its tokens stop working', async () => {
    const { token } = await signIn();
    const site = await createSite(token);
    const visitor = await visit(site.publicKey);
    await call(`/api/sites/${site.id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({ allowedOrigins: ['https://new.example'], greeting: 'Welcome' }),
    });
    expect(await errorOf(await requestSession(site.publicKey, HOST))).toMatchObject({
      status: 403,
      code: 'origin_not_allowed',
    });
    expect(await errorOf(await widgetCall(visitor, 'conversations', { method: 'POST' }))).toMatchObject({
      status: 403,
      code: 'origin_not_allowed',
    });
    expect((await visit(site.publicKey, 'https://new.example')).site.greeting).toBe('Welcome');
  });

  it('deletes a site (204): it is gone from the list and its widget stops at once', async () => {
    const { token } = await signIn();
    const site = await createSite(token);
    const visitor = await visit(site.publicKey);
    expect((await call(`/api/sites/${site.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await call(`/api/sites/${site.id}`, { token })).status).toBe(404);
    expect((await (await call('/api/sites', { token })).json<{ items: unknown[] }>()).items).toEqual([]);
    expect(await errorOf(await requestSession(site.publicKey, HOST))).toMatchObject({
      status: 404,
      code: 'site_not_found',
    });
    expect(await errorOf(await widgetCall(visitor, 'conversations', { method: 'POST' }))).toMatchObject({
      status: 404,
      code: 'site_not_found',
    });
    expect((await call(`/api/sites/${site.id}`, { method: 'DELETE', token })).status).toBe(404);
    expect(
      (await call(`/api/sites/${site.id}`, { method: 'PATCH', token, body: JSON.stringify({ name: 'back?' }) })).status,
    ).toBe(404);
  });
});

describe('sites: who may manage them', () => {
  it('an API key cannot list, create, read, change or delete sites (403)', async () => {
    const { token, key } = await userWithKey();
    const site = await createSite(token);
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/api/sites'],
      ['POST', '/api/sites', { name: 'x', allowedOrigins: [HOST] }],
      ['GET', `/api/sites/${site.id}`],
      ['PATCH', `/api/sites/${site.id}`, { name: 'x' }],
      ['DELETE', `/api/sites/${site.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(path, { method, token: key, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect([method, path, res.status, (await res.json<ErrorEnvelope>()).error.code]).toEqual([
        method,
        path,
        403,
        'forbidden',
      ]);
    }
    expect((await visit(site.publicKey)).site.name).toBe('Shop');
  });

  it("someone else's site is a 404 on every route, and keeps working", async () => {
    const owner = await signIn();
    const stranger = await signIn();
    const site = await createSite(owner.token);
    expect((await call(`/api/sites/${site.id}`, { token: stranger.token })).status).toBe(404);
    expect(
      (
        await call(`/api/sites/${site.id}`, {
          method: 'PATCH',
          token: stranger.token,
          body: JSON.stringify({ name: 'mine' }),
        })
      ).status,
    ).toBe(404);
    expect((await call(`/api/sites/${site.id}`, { method: 'DELETE', token: stranger.token })).status).toBe(404);
    expect((await (await call('/api/sites', { token: stranger.token })).json<{ items: unknown[] }>()).items).toEqual(
      [],
    );
    expect((await visit(site.publicKey)).site.name).toBe('Shop');
  });
});

describe('sites the Site object never held', () => {
  it('a site only Postgres knows is loaded once by its key, then answered without Postgres', async () => {
    const { userId } = await signIn();
    const db = createDb(env);
    await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
    const publicKey = `pk_site_${'L'.repeat(12)}${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const [row] = await db
      .insert(sites)
      .values({ userId, name: 'Imported', publicKey, allowedOrigins: [HOST], greeting: 'From before' })
      .returning();
    expect((await visit(publicKey)).site).toMatchObject({
      name: 'Imported',
      greeting: 'From before',
      theme: { color: '#3547d8' },
    });
    // Postgres no longer has it; the object does not ask again.
    await db.delete(sites).where(eq(sites.id, row!.id));
    expect((await visit(publicKey)).site.name).toBe('Imported');
  });
});
