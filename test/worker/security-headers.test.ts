// Security headers (issue 11, item 6): the API, the app's pages, and the widget's files, which other sites embed.
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app.ts';
import { BASE, call, createConversation, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';

const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' %SUPABASE%; img-src 'self' data: blob:; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

describe('security headers', () => {
  it('the API answers with nosniff and the referrer policy, and no page policy', async () => {
    for (const path of ['/api/health', '/api/no-such-thing', '/v1/models']) {
      const res = await call(path);
      await res.text();
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('content-security-policy'), path).toBeNull();
    }
  });

  it("the app's pages get a Content-Security-Policy naming SUPABASE_URL, and may not be framed", async () => {
    for (const path of ['/', '/sites', '/c/123']) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(await res.text(), path).toContain('<div id="root">');
      expect(res.headers.get('content-security-policy'), path).toBe(
        APP_CSP.replace('%SUPABASE%', new URL(env.SUPABASE_URL).origin),
      );
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
    }
  });

  it('without SUPABASE_URL the pages connect to their own origin only', async () => {
    const res = await app.fetch(new Request(`${BASE}/`), { ...env, SUPABASE_URL: '' }, createExecutionContext());
    await res.text();
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' ;");
  });

  it('unknown /api and /v1 paths stay JSON 404s, never the app page', async () => {
    const res = await call('/api/nothing/here');
    expect(res.status).toBe(404);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('not_found');
  });

  it('widget.js and the widget routes stay embeddable from any origin: no frame rule, CORP cross-origin on the script', async () => {
    const script = await call('/widget.js');
    await script.text();
    expect(script.status).toBe(200);
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    const session = await call('/api/widget/session', {
      method: 'POST',
      headers: { origin: 'https://shop.example' },
      body: JSON.stringify({ siteKey: 'pk_site_nothing' }),
    });
    await session.text();
    for (const res of [script, session]) {
      expect(res.headers.get('content-security-policy')).toBeNull();
      expect(res.headers.get('x-frame-options')).toBeNull();
      expect(res.headers.get('cross-origin-resource-policy')).not.toBe('same-origin');
    }
  });
});

describe('Cache-Control on authenticated responses (issue 18)', () => {
  it('is no-store on everything answered to a caller with credentials: JSON, a key secret, a stream, an error, /v1', async () => {
    const user = await signIn();
    const conversation = await createConversation(user.token);
    const created = await call('/api/keys', { method: 'POST', token: user.token, body: '{"name":"cache"}' });
    const { key } = await created.clone().json<{ key: string }>();
    const responses = {
      'GET /api/me': await call('/api/me', { token: user.token }),
      'POST /api/keys (the secret)': created,
      'GET /api/conversations/:id': await call(`/api/conversations/${conversation}`, { token: user.token }),
      'GET /api/usage': await call('/api/usage', { token: user.token }),
      'GET /api/conversations/nope (404)': await call('/api/conversations/nope', { token: user.token }),
      'GET /v1/models': await call('/v1/models', { token: key }),
      'bad token (401)': await call('/api/me', { token: 'nope' }),
    };
    for (const [what, res] of Object.entries(responses))
      expect([what, res.headers.get('cache-control')]).toEqual([what, 'no-store']);

    const stream = await sendMessage(user.token, conversation, 'hi');
    expect(stream.headers.get('cache-control')).toBe('no-store, no-transform');
    await stream.text();
  });
});
