import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app.ts';
import { BASE, call, signEs256, signIn, type ErrorEnvelope } from './helpers.ts';

const secret = () => new TextEncoder().encode(env.SUPABASE_JWT_SECRET);
const issuer = () => `${env.SUPABASE_URL}/auth/v1`;

function signHs256(
  claims: Record<string, unknown>,
  options: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? issuer())
    .setAudience(options.audience ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(secret());
}

async function expect401(res: Response, messagePart: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = await res.json<ErrorEnvelope>();
  expect(body.error.code).toBe('unauthorized');
  expect(body.error.message).toMatch(messagePart);
}

describe('Supabase access tokens', () => {
  it('accepts an HS256 token from the dev session and creates a free-tier profile on first use', async () => {
    const { token, userId, email } = await signIn();
    const res = await call('/api/me', { token });
    expect(res.status).toBe(200);
    const me = await res.json<{
      id: string;
      email: string;
      tier: string;
      quota: { limit: number; used: number; resetsAt: string };
    }>();
    expect(me).toMatchObject({ id: userId, email, tier: 'free', quota: { limit: 200_000, used: 0 } });
    expect(new Date(me.quota.resetsAt).getUTCDate()).toBe(1);
  });

  it('accepts an ES256 token verified against the project JWKS', async () => {
    const sub = crypto.randomUUID();
    const res = await call('/api/me', {
      token: await signEs256({ sub, email: 'jwks@example.com', role: 'authenticated' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: sub, email: 'jwks@example.com', tier: 'free' });
  });

  it('rejects a request without a bearer token', async () => {
    await expect401(await call('/api/me'), /Sign in first/);
  });

  it('rejects an expired token', async () => {
    const token = await signHs256({ sub: crypto.randomUUID() }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    await expect401(await call('/api/me', { token }), /expired/);
  });

  it('rejects a token for the wrong audience', async () => {
    const token = await signEs256({ sub: crypto.randomUUID() }, { audience: 'anon' });
    await expect401(await call('/api/me', { token }), /"aud"/);
  });

  it('rejects a token from the wrong issuer', async () => {
    const token = await signHs256({ sub: crypto.randomUUID() }, { issuer: 'https://evil.example/auth/v1' });
    await expect401(await call('/api/me', { token }), /"iss"/);
  });

  it('rejects a token whose payload was tampered with', async () => {
    const token = await signEs256({ sub: crypto.randomUUID(), role: 'authenticated' });
    const [header, , signature] = token.split('.');
    const forged = btoa(
      JSON.stringify({ sub: crypto.randomUUID(), aud: 'authenticated', iss: issuer(), exp: 9999999999 }),
    )
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    await expect401(await call('/api/me', { token: `${header}.${forged}.${signature}` }), /signature/);
  });

  it('rejects an unsigned token (alg none)', async () => {
    const token = new UnsecuredJWT({ sub: crypto.randomUUID() })
      .setIssuer(issuer())
      .setAudience('authenticated')
      .setExpirationTime('1h')
      .encode();
    await expect401(await call('/api/me', { token }), /algorithm/);
  });

  it('rejects a token whose subject is not a UUID', async () => {
    await expect401(await call('/api/me', { token: await signHs256({ sub: 'admin' }) }), /subject/);
  });

  it('rejects an HS256 token where only the JWKS is configured', async () => {
    const token = await signHs256({ sub: crypto.randomUUID() });
    const jwksOnly = { ...env, AUTH_MODE: 'supabase', SUPABASE_JWT_SECRET: '' };
    const res = await app.fetch(
      new Request(`${BASE}/api/me`, { headers: { authorization: `Bearer ${token}` } }),
      jwksOnly,
      createExecutionContext(),
    );
    await expect401(res, /HS256/);
  });
});

describe('dev sign-in', () => {
  it('gives the same user id to the same email every time', async () => {
    const first = await signIn('Same.Person@example.com');
    const second = await signIn('same.person@example.com');
    expect(second.userId).toBe(first.userId);
    expect(first.userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a body without a valid email', async () => {
    const res = await call('/api/dev/session', { method: 'POST', body: JSON.stringify({ email: 'not-an-email' }) });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorEnvelope>()).error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/email/),
    });
  });

  it('refuses a body that is not JSON', async () => {
    const res = await call('/api/dev/session', { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('invalid_request');
  });

  it('does not exist outside AUTH_MODE=dev', async () => {
    const production = { ...env, AUTH_MODE: 'supabase' };
    const request = new Request(`${BASE}/api/dev/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"a@example.com"}',
    });
    const res = await app.fetch(request, production, createExecutionContext());
    expect(res.status).toBe(404);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('not_found');
  });
});
