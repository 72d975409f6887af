// Issue 10: the widget's server side. A visitor on a host page gets a session for a site from an
// allowed origin, a token bound to that origin, and conversations of their own, owned by the
// site's owner, read-only to them, rate-limited per visitor and paid from the owner's quota.
import { env } from 'cloudflare:workers';
import { createExecutionContext, runInDurableObject } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { conversations, usageEvents } from '../../drizzle/schema.ts';
import { app } from '../../worker/app.ts';
import { createDb } from '../../worker/db/client.ts';
import { signVisitorToken, widgetKey } from '../../worker/auth/visitor-token.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import type { Limiter } from '../../durable-objects/limiter.ts';
import type { LimiterStore } from '../../durable-objects/limiter-store.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { BASE, call, eventually, sendMessage, signIn, type ErrorEnvelope, useUpFreeQuota } from './helpers.ts';
import { collectEvents, readEvents, textOf, type ParsedEvent } from './sse.ts';
import {
  HOST,
  createSite,
  requestSession,
  visit,
  visitorConversation,
  visitorSend,
  widgetCall,
  type SessionJson,
} from './widget-support.ts';

const fake = inject('fakeUpstreamUrl');
const fakeRequests = async (key: string) =>
  (await fetch(`${fake}/__control/requests?key=${key}`)).json<
    Array<{ model: string; system: boolean; messages: number }>
  >();

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

/** An owner with a site on HOST (and `fields`), and a first visitor. */
async function ownerAndVisitor(fields: Record<string, unknown> = {}) {
  const owner = await signIn();
  const site = await createSite(owner.token, fields);
  return { owner, site, visitor: await visit(site.publicKey) };
}

type WidgetMessage = {
  id: string;
  role: string;
  content: string;
  status: string;
  stopReason: string | null;
  errorCode: string | null;
  createdAt: string;
};

describe('POST /api/widget/session', () => {
  it('answers a page on an allowed origin with a 15-minute token, a new visitor id and what the widget shows', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { greeting: 'Hello there', theme: { color: '#00aa55' } });
    const before = Math.floor(Date.now() / 1000);
    const res = await requestSession(site.publicKey, HOST);
    expect(res.status).toBe(200);
    const session = await res.json<SessionJson>();
    const { models } = await (await call('/api/models')).json<{
      models: Array<{ id: string; label: string; default: boolean }>;
    }>();
    const fallback = models.find((m) => m.default)!;
    expect(session).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(Number),
      visitorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      credential: expect.any(String),
      credentialExpiresAt: expect.any(Number),
      returning: false,
      site: {
        name: 'Shop',
        greeting: 'Hello there',
        theme: { color: '#00aa55', position: 'bottom-right', scheme: 'auto' },
        model: { id: fallback.id, label: fallback.label },
      },
    });
    expect(session.expiresAt - before).toBeGreaterThanOrEqual(900);
    expect(session.expiresAt - before).toBeLessThanOrEqual(901);
    // A visitor can read the token: it names the visitor, the site and the page, and no person (issue 17).
    expect(decodeJwt(session.token)).toEqual({
      sub: session.visitorId,
      site: site.id,
      site_key: site.publicKey,
      origin: HOST,
      iss: 'parley',
      aud: 'parley-widget',
      iat: expect.any(Number),
      exp: session.expiresAt,
    });
    expect(atob(session.token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).not.toContain(owner.userId);
  });

  it("names the site's own model", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { model: 'openai/gpt-4.1-mini' });
    const session = await visit(site.publicKey, HOST);
    expect(session.site.model).toEqual({ id: 'openai/gpt-4.1-mini', label: expect.stringContaining('4.1') });
  });

  it('answers any subdomain of a wildcard origin, but not its apex, another scheme or port', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { allowedOrigins: ['https://*.shop.example'] });
    expect((await requestSession(site.publicKey, 'https://www.shop.example')).status).toBe(200);
    expect((await requestSession(site.publicKey, 'https://eu.www.shop.example')).status).toBe(200);
    for (const origin of [
      'https://shop.example',
      'http://www.shop.example',
      'https://www.shop.example:8443',
      'https://evilshop.example',
    ]) {
      expect([origin, await errorOf(await requestSession(site.publicKey, origin))]).toEqual([
        origin,
        expect.objectContaining({ status: 403, code: 'origin_not_allowed' }),
      ]);
    }
  });

  it("always answers Parley's own origin, where the owner previews the widget on the Sites page", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { allowedOrigins: [HOST] });
    expect((await requestSession(site.publicKey, new URL(BASE).origin)).status).toBe(200);
  });

  it('refuses another origin and a request with no Origin (403 origin_not_allowed)', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { allowedOrigins: [HOST, 'http://localhost:8080'] });
    expect((await requestSession(site.publicKey, 'http://localhost:8080')).status).toBe(200);
    for (const origin of ['https://elsewhere.example', 'http://localhost:8081', 'null', undefined]) {
      expect([origin, await errorOf(await requestSession(site.publicKey, origin))]).toEqual([
        origin,
        expect.objectContaining({ status: 403, code: 'origin_not_allowed' }),
      ]);
    }
  });

  it('refuses a key no site has, well-formed or not (404 site_not_found), and a deleted site at once', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    for (const key of [`pk_site_${'0'.repeat(24)}`, 'pk_site_short', 'sk-parley-nope']) {
      expect(await errorOf(await requestSession(key, HOST))).toMatchObject({ status: 404, code: 'site_not_found' });
    }
    expect((await requestSession(site.publicKey, HOST)).status).toBe(200);
    await call(`/api/sites/${site.id}`, { method: 'DELETE', token: owner.token });
    expect(await errorOf(await requestSession(site.publicKey, HOST))).toMatchObject({
      status: 404,
      code: 'site_not_found',
    });
  });

  it('is 503 widget_not_configured without WIDGET_TOKEN_SECRET (or with a short one) outside dev mode', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    for (const secret of ['', 'too-short']) {
      const res = await app.fetch(
        new Request(`${BASE}/api/widget/session`, {
          method: 'POST',
          headers: { origin: HOST, 'content-type': 'application/json' },
          body: JSON.stringify({ siteKey: site.publicKey }),
        }),
        { ...env, AUTH_MODE: 'supabase', WIDGET_TOKEN_SECRET: secret },
        createExecutionContext(),
      );
      expect(await errorOf(res)).toMatchObject({ status: 503, code: 'widget_not_configured' });
    }
  });
});

describe('visitor tokens', () => {
  it('are refused from another origin (403 origin_mismatch), even one the site allows, and with no Origin', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { allowedOrigins: [HOST, 'https://other.example'] });
    const visitor = await visit(site.publicKey);
    expect((await widgetCall(visitor, 'conversations', { method: 'POST' })).status).toBe(201);
    for (const origin of ['https://other.example', 'https://evil.example', null]) {
      expect([origin, await errorOf(await widgetCall(visitor, 'conversations', { method: 'POST', origin }))]).toEqual([
        origin,
        expect.objectContaining({ status: 403, code: 'origin_mismatch' }),
      ]);
    }
  });

  it('are refused once expired (401 visitor_token_expired)', async () => {
    const { site } = await ownerAndVisitor();
    const { token } = await signVisitorToken(
      await widgetKey(env, BASE),
      {
        visitorId: crypto.randomUUID(),
        siteId: site.id,
        siteKey: site.publicKey,
        origin: HOST,
      },
      Math.floor(Date.now() / 1000) - 901,
    );
    expect(await errorOf(await widgetCall({ token, origin: HOST }, 'conversations', { method: 'POST' }))).toMatchObject(
      { status: 401, code: 'visitor_token_expired' },
    );
  });

  it("are refused when tampered with, signed with another secret, unsigned, missing, or a user's token (401 visitor_token_invalid)", async () => {
    const { visitor, owner } = await ownerAndVisitor();
    const [header, payload, signature] = visitor.token.split('.') as [string, string, string];
    const claims = decodeJwt(visitor.token);
    const encode = (value: object) =>
      btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const forged = {
      'another visitor': `${header}.${encode({ ...claims, sub: crypto.randomUUID() })}.${signature}`,
      'a flipped signature': `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'another secret': (
        await signVisitorToken(await widgetKey({ AUTH_MODE: 'supabase', WIDGET_TOKEN_SECRET: 'x'.repeat(40) }, BASE), {
          visitorId: claims.sub!,
          siteId: claims.site as string,
          siteKey: claims.site_key as string,
          origin: HOST,
        })
      ).token,
      "the owner's access token": owner.token,
      garbage: 'not.a.token',
    };
    for (const [kind, token] of Object.entries(forged)) {
      expect([
        kind,
        await errorOf(await widgetCall({ token, origin: HOST }, 'conversations', { method: 'POST' })),
      ]).toEqual([kind, expect.objectContaining({ status: 401, code: 'visitor_token_invalid' })]);
    }
    const bare = await call('/api/widget/conversations', { method: 'POST', headers: { origin: HOST } });
    expect(await errorOf(bare)).toMatchObject({ status: 401, code: 'visitor_token_invalid' });
  });

  it("cannot reach another site's conversation, even for the same owner (404)", async () => {
    const owner = await signIn();
    const a = await createSite(owner.token, { name: 'A' });
    const b = await createSite(owner.token, { name: 'B' });
    const onA = await visit(a.publicKey);
    const onB = await visit(b.publicKey);
    const id = await visitorConversation(onA);
    await expectNotFoundOnEveryRoute(onB, id);
  });
});

describe("a visitor's conversation", () => {
  it("streams a reply with the site's model and prompt, is stored with its site and visitor, and is listed for the owner", async () => {
    const { owner, site, visitor } = await ownerAndVisitor({
      model: 'openai/gpt-4.1-mini',
      systemPrompt: 'You sell shoes.',
    });
    const created = await widgetCall(visitor, 'conversations', { method: 'POST' });
    expect(created.status).toBe(201);
    const { id, createdAt } = await created.json<{ id: string; createdAt: string }>();
    expect(Date.parse(createdAt)).toBeGreaterThan(0);

    const key = `visitor-${crypto.randomUUID()}`;
    const res = await visitorSend(visitor, id, `[[fake tokens=12 key=${key}]] Do you have red shoes?`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await collectEvents(res.body!);
    const messageId = events[0]!.data.messageId;
    expect(events.map((e) => e.event)).toEqual([
      'message.start',
      ...Array(events.length - 3).fill('delta'),
      'usage',
      'done',
    ]);
    expect(events[0]).toMatchObject({
      id: `${messageId}:1`,
      data: { conversationId: id, model: 'openai/gpt-4.1-mini' },
    });
    expect(events.every((e, n) => e.id === `${messageId}:${n + 1}`)).toBe(true);
    expect(textOf(events)).toBe(expectedReplyText('openai', 12));
    expect((await fakeRequests(key))[0]).toMatchObject({ model: 'gpt-4.1-mini', system: true });

    const read = await (await widgetCall(visitor, `conversations/${id}`)).json<{
      id: string;
      messages: WidgetMessage[];
    }>();
    expect(read).toEqual({
      id,
      messages: [
        {
          id: expect.any(String),
          role: 'user',
          content: `[[fake tokens=12 key=${key}]] Do you have red shoes?`,
          status: 'complete',
          stopReason: null,
          errorCode: null,
          createdAt: expect.any(String),
        },
        {
          id: messageId,
          role: 'assistant',
          content: expectedReplyText('openai', 12),
          status: 'complete',
          stopReason: 'end_turn',
          errorCode: null,
          createdAt: expect.any(String),
        },
      ],
    });

    const [row] = await eventually(
      () => createDb(env).select().from(conversations).where(eq(conversations.id, id)),
      (rows) => rows.length === 1,
    );
    expect(row).toMatchObject({ userId: owner.userId, siteId: site.id, visitorId: visitor.visitorId });
    type Listed = { items: Array<{ id: string; siteId: string | null; visitorId: string | null }> };
    const listed = await eventually(
      async () =>
        (await (await call(`/api/conversations?siteId=${site.id}`, { token: owner.token })).json<Listed>()).items,
      (items) => items.some((c) => c.id === id),
    );
    expect(listed.find((c) => c.id === id)).toMatchObject({ siteId: site.id, visitorId: visitor.visitorId });
    expect(
      (await (await call('/api/conversations?visitors=true', { token: owner.token })).json<Listed>()).items.map(
        (c) => c.id,
      ),
    ).toEqual([id]);
    // Issue 22: a visitor's conversation is not in the owner's own list, nor found by the owner's search.
    expect((await (await call('/api/conversations', { token: owner.token })).json<Listed>()).items).toEqual([]);
    const found = await call('/api/search?q=token', { token: owner.token });
    expect((await found.json<{ items: unknown[] }>()).items).toEqual([]);
  });

  it("follows the site's settings as they are now: a changed model and prompt apply to the next message", async () => {
    const { owner, site, visitor } = await ownerAndVisitor({ model: 'openai/gpt-4.1-mini' });
    const id = await visitorConversation(visitor);
    await collectEvents((await visitorSend(visitor, id, '[[fake tokens=3]] first')).body!);
    await call(`/api/sites/${site.id}`, {
      method: 'PATCH',
      token: owner.token,
      body: JSON.stringify({ model: 'google/gemini-2.5-flash', systemPrompt: 'Be brief.' }),
    });
    const key = `site-change-${crypto.randomUUID()}`;
    const events = await collectEvents((await visitorSend(visitor, id, `[[fake tokens=3 key=${key}]] second`)).body!);
    expect(events[0]).toMatchObject({ data: { model: 'google/gemini-2.5-flash' } });
    expect((await fakeRequests(key))[0]).toMatchObject({ model: 'gemini-2.5-flash', system: true, messages: 3 });
  });

  it('resumes the reply in flight after Last-Event-ID, and answers 204 once it has ended', async () => {
    const { visitor } = await ownerAndVisitor();
    const id = await visitorConversation(visitor);
    const res = await visitorSend(visitor, id, '[[fake tokens=40 tps=200]] a longer answer');
    const seen: ParsedEvent[] = [];
    for await (const event of readEvents(res.body!)) {
      seen.push(event);
      if (seen.length === 5) break;
    }
    const resumed = await widgetCall(visitor, `conversations/${id}/stream`, {
      headers: { 'last-event-id': seen.at(-1)!.id! },
    });
    expect(resumed.status).toBe(200);
    const rest = await collectEvents(resumed.body!);
    expect(rest[0]!.id).toBe(`${seen[0]!.data.messageId}:6`);
    expect(textOf([...seen, ...rest])).toBe(expectedReplyText('anthropic', 40));
    expect(rest.at(-1)).toMatchObject({ event: 'done' });
    expect((await widgetCall(visitor, `conversations/${id}/stream`)).status).toBe(204);
  });

  it('stops the reply in flight', async () => {
    const { visitor } = await ownerAndVisitor();
    const id = await visitorConversation(visitor);
    const res = await visitorSend(visitor, id, '[[fake tokens=2000 tps=50]] never ending');
    const reader = readEvents(res.body!);
    await reader.next();
    const stop = await widgetCall(visitor, `conversations/${id}/stop`, { method: 'POST' });
    expect(await stop.json()).toEqual({ stopped: true });
    const rest: ParsedEvent[] = [];
    for await (const event of reader) rest.push(event);
    expect(rest.at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'stopped' } });
  });

  it('is a 404 to another visitor of the same site, on every route', async () => {
    const { site, visitor } = await ownerAndVisitor();
    const other = await visit(site.publicKey);
    const id = await visitorConversation(visitor);
    await expectNotFoundOnEveryRoute(other, id);
    // Nor can a visitor reach the owner's own conversations.
    expect((await widgetCall(visitor, `conversations/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('the owner reads it, cannot send, regenerate, rename or stop (403 read_only), and may delete it', async () => {
    const { owner, visitor } = await ownerAndVisitor();
    const id = await visitorConversation(visitor);
    await collectEvents((await visitorSend(visitor, id, '[[fake tokens=3]] hello')).body!);
    const read = await call(`/api/conversations/${id}`, { token: owner.token });
    expect(read.status).toBe(200);
    expect((await read.json<{ messages: unknown[] }>()).messages).toHaveLength(2);
    const writes: Array<[string, string, unknown?]> = [
      ['POST', `/api/conversations/${id}/messages`, { content: 'from the owner' }],
      ['POST', `/api/conversations/${id}/regenerate`],
      ['PATCH', `/api/conversations/${id}`, { title: 'Renamed' }],
      ['POST', `/api/conversations/${id}/stop`],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(path, { method, token: owner.token, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect([method, path, await errorOf(res)]).toEqual([
        method,
        path,
        expect.objectContaining({
          status: 403,
          code: 'read_only',
          message: expect.stringContaining('Visitor conversations are read-only'),
        }),
      ]);
    }
    expect((await call(`/api/conversations/${id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expect(await errorOf(await widgetCall(visitor, `conversations/${id}`))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('refuses an empty message (400) and one over 4,000 characters (413)', async () => {
    const { visitor } = await ownerAndVisitor();
    const id = await visitorConversation(visitor);
    expect(await errorOf(await visitorSend(visitor, id, '  '))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await errorOf(await visitorSend(visitor, id, 'x'.repeat(4001)))).toMatchObject({
      status: 413,
      code: 'content_too_large',
    });
    expect((await visitorSend(visitor, id, `[[fake tokens=1]] ${'x'.repeat(3980)}`)).status).toBe(200);
  });

  it("keeps a deleted site's conversations for the owner (site_id null in Postgres, still read-only)", async () => {
    const { owner, site, visitor } = await ownerAndVisitor();
    const id = await visitorConversation(visitor);
    await collectEvents((await visitorSend(visitor, id, '[[fake tokens=3]] hello')).body!);
    await eventually(
      () => createDb(env).select().from(conversations).where(eq(conversations.id, id)),
      (rows) => rows[0]?.siteId === site.id,
    );
    expect((await call(`/api/sites/${site.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    const [row] = await createDb(env).select().from(conversations).where(eq(conversations.id, id));
    expect(row).toMatchObject({ siteId: null, visitorId: visitor.visitorId, userId: owner.userId });
    expect((await call(`/api/conversations/${id}`, { token: owner.token })).status).toBe(200);
    expect((await sendMessage(owner.token, id, 'mine now?')).status).toBe(403);
  });
});

describe('limits for visitors', () => {
  it("rate-limits each visitor at the site's rate (429 with Retry-After), leaving other visitors and the owner alone", async () => {
    const { owner, site, visitor } = await ownerAndVisitor({ visitorRequestsPerMinute: 2 });
    const id = await visitorConversation(visitor);
    for (let i = 0; i < 2; i++)
      expect(
        (await collectEvents((await visitorSend(visitor, id, `[[fake tokens=2]] ${i}`)).body!)).at(-1)!.event,
      ).toBe('done');
    const refused = await visitorSend(visitor, id, '[[fake tokens=2]] one too many');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await refused.json<ErrorEnvelope>()).error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('2 a minute'),
    });

    const other = await visit(site.publicKey);
    expect((await visitorSend(other, await visitorConversation(other), '[[fake tokens=2]] me too')).status).toBe(200);
    const mine = await call('/api/conversations', { method: 'POST', token: owner.token, body: '{}' });
    expect(
      (await sendMessage(owner.token, (await mine.json<{ id: string }>()).id, '[[fake tokens=2]] owner')).status,
    ).toBe(200);
  });

  it("gives the visitor 402 quota_exceeded, in words for a visitor, when the owner's quota is used up", async () => {
    const owner = await signIn();
    await useUpFreeQuota(owner.userId);
    const site = await createSite(owner.token);
    const visitor = await visit(site.publicKey);
    const error = await errorOf(await visitorSend(visitor, await visitorConversation(visitor), 'hello?'));
    expect(error).toMatchObject({ status: 402, code: 'quota_exceeded' });
    expect(error.message).not.toMatch(/plan|upgrade|tokens/i);
  });

  it("records usage as the visitor's (subject_type visitor) and charges it to the owner", async () => {
    const { owner, site, visitor } = await ownerAndVisitor();
    const before = (await (await call('/api/me', { token: owner.token })).json<{ quota: { used: number } }>()).quota
      .used;
    const id = await visitorConversation(visitor);
    const events = await collectEvents((await visitorSend(visitor, id, '[[fake tokens=7]] count me')).body!);
    const usage = events.find((e) => e.event === 'usage')!.data;
    const [event] = await eventually(
      () =>
        createDb(env)
          .select()
          .from(usageEvents)
          .where(and(eq(usageEvents.userId, owner.userId), eq(usageEvents.conversationId, id))),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(event).toMatchObject({
      subjectType: 'visitor',
      subjectId: `${site.id}:${visitor.visitorId}`,
      inputTokens: usage.inputTokens,
      outputTokens: 7,
    });
    const after = await eventually(
      async () =>
        (await (await call('/api/me', { token: owner.token })).json<{ quota: { used: number } }>()).quota.used,
      (used) => used > before,
    );
    expect(after).toBe(before + usage.inputTokens + usage.outputTokens);
  });

  it("drops a visitor's rate-limit bucket after an hour idle, so the owner's Limiter does not grow without end", async () => {
    const { owner, visitor } = await ownerAndVisitor();
    await collectEvents((await visitorSend(visitor, await visitorConversation(visitor), '[[fake tokens=1]] hi')).body!);
    const limiter = userLimiter(env, owner.userId);
    const buckets = () =>
      runInDurableObject(limiter, (instance: Limiter) => [
        ...(instance as unknown as { store: LimiterStore }).store.buckets.keys(),
      ]);
    expect((await buckets()).filter((s) => s.startsWith('visitor:'))).toHaveLength(1);
    await runInDurableObject(limiter, (instance: Limiter, state) => {
      const { store } = instance as unknown as { store: LimiterStore; sweptAt: number };
      for (const [subject, bucket] of store.buckets)
        if (subject.startsWith('visitor:'))
          store.buckets.set(subject, { ...bucket, updatedAt: bucket.updatedAt - 61 * 60_000 });
      (instance as unknown as { sweptAt: number }).sweptAt = 0;
      state.storage.sql.exec(
        `update buckets set updated_at = updated_at - ? where subject like 'visitor:%'`,
        61 * 60_000,
      );
    });
    const mine = await call('/api/conversations', { method: 'POST', token: owner.token, body: '{}' });
    await collectEvents(
      (await sendMessage(owner.token, (await mine.json<{ id: string }>()).id, '[[fake tokens=1]] owner')).body!,
    );
    expect(await eventually(buckets, (subjects) => !subjects.some((s) => s.startsWith('visitor:')))).toEqual(['user']);
    const stored = await runInDurableObject(limiter, (_: Limiter, state) =>
      state.storage.sql
        .exec<{ subject: string }>('select subject from buckets')
        .toArray()
        .map((r) => r.subject),
    );
    expect(stored).toEqual(['user']);
  });
});

describe('CORS on /api/widget/*', () => {
  it('answers a preflight from any origin, reflecting it, with Authorization and Content-Type allowed and no credentials', async () => {
    const res = await call('/api/widget/conversations/x/messages', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://anywhere.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
    expect(res.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type']),
    );
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('reflects the origin on answers (refusals included) and exposes Retry-After; the rest of /api still refuses foreign origins', async () => {
    const refused = await requestSession(`pk_site_${'0'.repeat(24)}`, 'https://anywhere.example');
    expect(refused.status).toBe(404);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
    expect(refused.headers.get('access-control-expose-headers')).toContain('retry-after');
    const api = await call('/api/models', { headers: { origin: 'https://anywhere.example' } });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the OpenAPI document', () => {
  it('describes the site and widget routes, the visitor token, and the site and visitor of a conversation', async () => {
    const doc = await (await call('/api/openapi.json')).json<any>();
    expect(Object.keys(doc.paths['/api/sites'])).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/sites/{id}'])).toEqual(['get', 'patch', 'delete']);
    expect(doc.paths['/api/sites'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/sites'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'allowedOrigins',
    ]);
    expect(doc.paths['/api/widget/session'].post.security).toBeUndefined();
    expect(Object.keys(doc.paths['/api/widget/session'].post.responses)).toEqual(
      expect.arrayContaining(['200', '403', '404']),
    );
    for (const path of [
      '/api/widget/conversations',
      '/api/widget/conversations/{id}',
      '/api/widget/conversations/{id}/messages',
      '/api/widget/conversations/{id}/stream',
      '/api/widget/conversations/{id}/stop',
    ]) {
      for (const op of Object.values<any>(doc.paths[path]))
        expect([path, op.security]).toEqual([path, [{ visitor: [] }]]);
    }
    expect(doc.components.securitySchemes.visitor).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/widget/conversations/{id}/messages'].post.responses['429'].headers).toHaveProperty(
      'Retry-After',
    );
    expect(doc.paths['/api/conversations/{id}/messages'].post.responses['403'].description).toContain('read_only');
    expect(
      Object.keys(doc.paths['/api/conversations'].post.responses['201'].content['application/json'].schema.properties),
    ).toEqual(expect.arrayContaining(['siteId', 'visitorId']));
  });
});

/** Every visitor route of conversation `id` answers this visitor 404 not_found, as if it did not exist. */
async function expectNotFoundOnEveryRoute(visitor: Parameters<typeof widgetCall>[0], id: string) {
  for (const [path, method] of [
    [id, 'GET'],
    [`${id}/messages`, 'POST'],
    [`${id}/stream`, 'GET'],
    [`${id}/stop`, 'POST'],
  ] as const) {
    const res = await widgetCall(visitor, `conversations/${path}`, {
      method,
      ...(method === 'POST' ? { body: JSON.stringify({ content: 'hi' }) } : {}),
    });
    expect([path, await errorOf(res)]).toEqual([path, expect.objectContaining({ status: 404, code: 'not_found' })]);
  }
}
