// Issue 17: the development signing secrets are in the source, so a token signed with one is refused
// on any host but a loopback one, whatever AUTH_MODE says; a deploy left in dev mode lets no one in.
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app.ts';
import { DEV_JWT_SECRET, DEV_WIDGET_SECRET } from '../../worker/auth/dev-secrets.ts';
import type { ErrorEnvelope } from './helpers.ts';

const PUBLIC = 'https://parley.example';
const LOCAL = 'http://127.0.0.1:8787';

/** A token as the dev route mints one, signed with the development secret from the source. */
function forgedUserToken(issuer: string) {
  return new SignJWT({ email: 'mallory@example.com', role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience('authenticated')
    .setSubject(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(DEV_JWT_SECRET));
}

function forgedVisitorToken() {
  return new SignJWT({ site: crypto.randomUUID(), site_key: 'pk_forged', origin: 'https://shop.example' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('parley')
    .setAudience('parley-widget')
    .setSubject(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(new TextEncoder().encode(DEV_WIDGET_SECRET));
}

async function fetchAs(url: string, token: string, overrides: Record<string, string | undefined>) {
  const res = await app.fetch(
    new Request(url, { headers: { authorization: `Bearer ${token}`, origin: 'https://shop.example' } }),
    { ...env, ...overrides },
    createExecutionContext(),
  );
  return { status: res.status, body: await res.json<ErrorEnvelope & { id?: string }>() };
}

describe('a user token signed with the development secret from the source', () => {
  it.each([
    ['AUTH_MODE=dev, nothing else set', { AUTH_MODE: 'dev', SUPABASE_URL: '', SUPABASE_JWT_SECRET: '' }, 503],
    ['AUTH_MODE=dev beside a Supabase JWKS', { AUTH_MODE: 'dev', SUPABASE_JWT_SECRET: '' }, 401],
    ['AUTH_MODE=supabase, JWKS only', { AUTH_MODE: 'supabase', SUPABASE_JWT_SECRET: '' }, 401],
    ['the secret copied into SUPABASE_JWT_SECRET', { AUTH_MODE: 'supabase', SUPABASE_JWT_SECRET: DEV_JWT_SECRET }, 401],
  ])('is refused on a public host: %s', async (_setup, overrides, status) => {
    for (const issuer of ['http://127.0.0.1:8787/auth/v1', `${env.SUPABASE_URL}/auth/v1`]) {
      const res = await fetchAs(`${PUBLIC}/api/me`, await forgedUserToken(issuer), overrides);
      expect([issuer, res.status, res.body.error?.code]).toEqual([
        issuer,
        status,
        status === 503 ? 'auth_not_configured' : 'unauthorized',
      ]);
    }
  });

  it('still signs a developer in on a loopback host in dev mode', async () => {
    const token = await forgedUserToken('http://127.0.0.1:8787/auth/v1');
    const res = await fetchAs(`${LOCAL}/api/me`, token, {
      AUTH_MODE: 'dev',
      SUPABASE_URL: '',
      SUPABASE_JWT_SECRET: '',
    });
    expect(res.status).toBe(200);
  });
});

describe('a visitor token signed with the development widget secret from the source', () => {
  it.each([
    ['AUTH_MODE=dev, no WIDGET_TOKEN_SECRET', { AUTH_MODE: 'dev', WIDGET_TOKEN_SECRET: '' }],
    ['the secret copied into WIDGET_TOKEN_SECRET', { AUTH_MODE: 'supabase', WIDGET_TOKEN_SECRET: DEV_WIDGET_SECRET }],
  ])('is refused on a public host, which signs no visitor tokens either: %s', async (_setup, overrides) => {
    const send = await fetchAs(`${PUBLIC}/api/widget/conversations`, await forgedVisitorToken(), overrides);
    expect([send.status, send.body.error.code]).toEqual([503, 'widget_not_configured']);
    const session = await app.fetch(
      new Request(`${PUBLIC}/api/widget/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
        body: JSON.stringify({ siteKey: 'pk_forged' }),
      }),
      { ...env, ...overrides },
      createExecutionContext(),
    );
    expect(session.status).toBe(503);
  });
});
