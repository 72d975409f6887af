// The fake Supabase Auth is what the browser tests sign in against, so it must behave as GoTrue
// does where the app can tell: the PKCE exchange, refresh rotation, tokens a JWKS verifies, the
// gateway's apikey, CORS for a browser on the app's origin, and GoTrue's error shapes.
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_IDENTITIES, startFakeSupabaseAuth, type FakeSupabaseAuth } from '../../scripts/fake-supabase-auth.ts';

const APP = 'http://127.0.0.1:5173';

let auth: FakeSupabaseAuth;

beforeAll(async () => {
  auth = await startFakeSupabaseAuth({
    siteUrl: 'https://parley.example',
    additionalRedirectUrls: ['https://*.preview.example/**'],
  });
});
afterAll(() => auth?.close());
beforeEach(() => {
  auth.settings.accessTokenTtlSeconds = 3600;
  auth.settings.refreshTokenReuseIntervalSeconds = 0;
});

type SessionJson = {
  access_token: string;
  token_type: string;
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  provider_token?: string;
  user: {
    id: string;
    aud: string;
    role: string;
    email: string;
    app_metadata: { provider: string; providers: string[] };
    user_metadata: Record<string, unknown>;
    identities: { provider: string; user_id: string }[];
  };
};

function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** GET /authorize as the browser follows it; the Location it is sent to. */
async function authorize(params: Record<string, string>) {
  const res = await fetch(`${auth.url}/auth/v1/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
  return { res, location: res.headers.get('location') ?? '' };
}

/** A code from the PKCE authorize step, with the verifier that redeems it. */
async function codeFor(provider: 'google' | 'github', extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkcePair();
  const { res, location } = await authorize({
    provider,
    redirect_to: `${APP}/auth/callback`,
    code_challenge: challenge,
    code_challenge_method: 's256',
    ...extra,
  });
  expect(res.status).toBe(302);
  return { code: new URL(location).searchParams.get('code')!, verifier };
}

function token(grant: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${auth.url}/auth/v1/token?grant_type=${grant}`, {
    method: 'POST',
    headers: { apikey: auth.publishableKey, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function signIn(
  provider: 'google' | 'github' = 'google',
  extra: Record<string, string> = {},
): Promise<SessionJson> {
  const { code, verifier } = await codeFor(provider, extra);
  const res = await token('pkce', { auth_code: code, code_verifier: verifier });
  expect(res.status).toBe(200);
  return (await res.json()) as SessionJson;
}

const refresh = (refreshToken: string) => token('refresh_token', { refresh_token: refreshToken });
const getUser = (accessToken: string) =>
  fetch(`${auth.url}/auth/v1/user`, {
    headers: { apikey: auth.publishableKey, authorization: `Bearer ${accessToken}` },
  });

describe('PKCE sign-in', () => {
  it('sends the browser straight back to redirect_to with a code, keeping its query', async () => {
    const { challenge } = pkcePair();
    const { res, location } = await authorize({
      provider: 'google',
      redirect_to: `${APP}/auth/callback?next=%2Fchat`,
      code_challenge: challenge,
      code_challenge_method: 's256',
    });
    expect(res.status).toBe(302);
    const back = new URL(location);
    expect(back.origin + back.pathname).toBe(`${APP}/auth/callback`);
    expect(back.searchParams.get('next')).toBe('/chat');
    expect(back.searchParams.get('code')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("exchanges the code and verifier for GoTrue's session of the provider's test person", async () => {
    const session = await signIn('google');
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600, provider_token: expect.any(String) });
    expect(session.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    expect(session.expires_at).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 3590);
    expect(session.user).toMatchObject({
      id: FAKE_IDENTITIES.google.userId,
      aud: 'authenticated',
      role: 'authenticated',
      email: 'google-user@example.com',
      app_metadata: { provider: 'google', providers: ['google'] },
      user_metadata: { email: 'google-user@example.com', full_name: 'Google User', iss: 'https://accounts.google.com' },
      identities: [{ provider: 'google', user_id: FAKE_IDENTITIES.google.userId }],
    });
  });

  it('signs GitHub in as its own person, and login_hint as someone else', async () => {
    expect((await signIn('github')).user).toMatchObject({
      id: FAKE_IDENTITIES.github.userId,
      email: 'github-user@example.com',
      app_metadata: { provider: 'github' },
    });
    const hinted = await signIn('github', { login_hint: 'Someone@Example.com' });
    expect(hinted.user.email).toBe('someone@example.com');
    expect(hinted.user.id).not.toBe(FAKE_IDENTITIES.github.userId);
    expect((await signIn('github', { login_hint: 'someone@example.com' })).user.id).toBe(hinted.user.id);
  });

  it('links a second provider with the same email to the same user, as GoTrue does', async () => {
    const first = await signIn('google', { login_hint: 'both@example.com' });
    const second = await signIn('github', { login_hint: 'both@example.com' });
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.app_metadata).toEqual({ provider: 'google', providers: ['google', 'github'] });
  });

  it('refuses a wrong verifier with 400 bad_code_verifier, and the code still works with the right one', async () => {
    const { code, verifier } = await codeFor('google');
    const wrong = await token('pkce', { auth_code: code, code_verifier: pkcePair().verifier });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      code: 400,
      error_code: 'bad_code_verifier',
      msg: 'code challenge does not match previously saved code verifier',
    });
    expect(wrong.headers.get('x-sb-error-code')).toBe('bad_code_verifier');
    expect((await token('pkce', { auth_code: code, code_verifier: verifier })).status).toBe(200);
  });

  it('a code works once: reusing it is 404 flow_state_not_found', async () => {
    const { code, verifier } = await codeFor('google');
    expect((await token('pkce', { auth_code: code, code_verifier: verifier })).status).toBe(200);
    const again = await token('pkce', { auth_code: code, code_verifier: verifier });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({
      error_code: 'flow_state_not_found',
      msg: 'invalid flow state, no valid flow state found',
    });
  });

  it('answers in the 2024-01-01 error shape when the client asks for it, as supabase-js does', async () => {
    const res = await token('pkce', { auth_code: '', code_verifier: '' }, { 'x-supabase-api-version': '2024-01-01' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: 'validation_failed',
      message: 'invalid request: both auth code and code verifier should be non-empty',
    });
  });

  it('validates the authorize request as GoTrue does', async () => {
    const short = await authorize({ provider: 'google', code_challenge: 'abc', code_challenge_method: 's256' });
    expect(short.res.status).toBe(400);
    expect(await short.res.json()).toMatchObject({
      error_code: 'validation_failed',
      msg: 'code challenge has to be between 43 and 128 characters',
    });
    const half = await authorize({ provider: 'google', code_challenge: pkcePair().challenge });
    expect(await half.res.json()).toMatchObject({ msg: 'PKCE flow requires code_challenge_method and code_challenge' });
    const unknown = await authorize({ provider: 'myspace' });
    expect(await unknown.res.json()).toMatchObject({
      code: 400,
      msg: 'Unsupported provider: Provider myspace could not be found',
    });
    expect(await (await authorize({ provider: 'apple' })).res.json()).toMatchObject({
      msg: 'Unsupported provider: provider is not enabled',
    });
  });

  it('sends a redirect_to that is not allowed to the site URL, and allows loopback and listed URLs', async () => {
    const challenge = { code_challenge: pkcePair().challenge, code_challenge_method: 's256' };
    const target = async (redirect_to: string) =>
      new URL((await authorize({ provider: 'google', redirect_to, ...challenge })).location);
    expect((await target('https://evil.example/steal')).origin).toBe('https://parley.example');
    expect((await target('https://app.preview.example/auth/callback')).origin).toBe('https://app.preview.example');
    expect((await target('http://127.0.0.1:40123/auth/callback')).origin).toBe('http://127.0.0.1:40123');
  });

  it('without a challenge, runs the implicit flow: the session in the fragment', async () => {
    const { location } = await authorize({ provider: 'google', redirect_to: `${APP}/auth/callback` });
    const fragment = new URLSearchParams(new URL(location).hash.slice(1));
    expect(fragment.get('token_type')).toBe('bearer');
    expect(fragment.get('refresh_token')).toMatch(/^[a-z0-9]{12}$/);
    expect((await getUser(fragment.get('access_token')!)).status).toBe(200);
  });
});

describe('access tokens', () => {
  it('are ES256 JWTs that the JWKS verifies, with the claims Parley reads', async () => {
    const session = await signIn('google');
    const jwks = createRemoteJWKSet(new URL(`${auth.url}/auth/v1/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(session.access_token, jwks, {
      issuer: `${auth.url}/auth/v1`,
      audience: 'authenticated',
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: auth.privateJwk.kid });
    expect(payload).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      sub: FAKE_IDENTITIES.google.userId,
      email: 'google-user@example.com',
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      aal: 'aal1',
      is_anonymous: false,
      app_metadata: { provider: 'google', providers: ['google'] },
      amr: [{ method: 'oauth', timestamp: expect.any(Number) }],
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.exp).toBe(session.expires_at);
  });

  it('serves only the public key, and signs tokens with the key tests are given', async () => {
    const { keys } = (await (await fetch(`${auth.url}/auth/v1/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: auth.privateJwk.kid });
    expect(keys[0]).not.toHaveProperty('d');
    expect(decodeProtectedHeader((await signIn()).access_token).kid).toBe(auth.privateJwk.kid);
  });

  it('live as long as the settings say, changeable at run time through /__control/settings', async () => {
    const res = await fetch(`${auth.url}/__control/settings`, {
      method: 'POST',
      body: JSON.stringify({ accessTokenTtlSeconds: 2 }),
    });
    expect(await res.json()).toMatchObject({ accessTokenTtlSeconds: 2 });
    const session = await signIn();
    expect(session.expires_in).toBe(2);
    const claims = decodeJwt(session.access_token);
    expect(claims.exp! - claims.iat!).toBe(2);
  });

  it('GET /user answers the user for a valid token, 401 without one, 403 bad_jwt for an expired one', async () => {
    auth.settings.accessTokenTtlSeconds = 1;
    const session = await signIn('github');
    expect(await (await getUser(session.access_token)).json()).toMatchObject({
      id: FAKE_IDENTITIES.github.userId,
      email: 'github-user@example.com',
    });
    const none = await fetch(`${auth.url}/auth/v1/user`, { headers: { apikey: auth.publishableKey } });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error_code: 'no_authorization' });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await getUser(session.access_token);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({
      error_code: 'bad_jwt',
      msg: expect.stringContaining('token is expired'),
    });
  });
});

describe('refresh tokens', () => {
  it('rotate: each use gives a new refresh token and a new access token for the same session', async () => {
    const first = await signIn();
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as SessionJson;
    expect(second.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.user.id).toBe(first.user.id);
    expect(decodeJwt(second.access_token).session_id).toBe(decodeJwt(first.access_token).session_id);
  });

  it('refuse an old token once its successor has been used, and end that session (reuse detection)', async () => {
    const a = await signIn();
    const b = (await (await refresh(a.refresh_token)).json()) as SessionJson;
    // GoTrue lets the client that lost the answer ask again with the parent: it gets the same child.
    const retried = (await (await refresh(a.refresh_token)).json()) as SessionJson;
    expect(retried.refresh_token).toBe(b.refresh_token);
    const c = (await (await refresh(b.refresh_token)).json()) as SessionJson;
    const reused = await refresh(a.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({
      code: 400,
      error_code: 'refresh_token_already_used',
      msg: 'Invalid Refresh Token: Already Used',
    });
    // The whole family is revoked: even the newest token no longer works.
    expect(await (await refresh(c.refresh_token)).json()).toMatchObject({ error_code: 'refresh_token_already_used' });
  });

  it('allow reuse within the reuse interval', async () => {
    auth.settings.refreshTokenReuseIntervalSeconds = 10;
    const a = await signIn();
    const b = (await (await refresh(a.refresh_token)).json()) as SessionJson;
    await refresh(b.refresh_token);
    expect((await refresh(a.refresh_token)).status).toBe(200);
  });

  it('refuse an unknown or malformed token as GoTrue does', async () => {
    expect(await (await refresh('abcdefghijkl')).json()).toMatchObject({
      error_code: 'refresh_token_not_found',
      msg: 'Invalid Refresh Token: Refresh Token Not Found',
    });
    expect(await (await refresh('short')).json()).toMatchObject({
      error_code: 'validation_failed',
      msg: 'Refresh token is not valid',
    });
  });
});

describe('logout', () => {
  it('answers 204 and ends the session: its refresh token and access token stop working', async () => {
    const session = await signIn();
    const res = await fetch(`${auth.url}/auth/v1/logout?scope=local`, {
      method: 'POST',
      headers: { apikey: auth.publishableKey, authorization: `Bearer ${session.access_token}` },
    });
    expect(res.status).toBe(204);
    expect(await (await refresh(session.refresh_token)).json()).toMatchObject({
      error_code: 'refresh_token_not_found',
    });
    const user = await getUser(session.access_token);
    expect(user.status).toBe(403);
    expect(await user.json()).toMatchObject({ error_code: 'session_not_found' });
  });
});

describe('the gateway and browsers', () => {
  it("requires the apikey on /token, as Supabase does, with the gateway's own error", async () => {
    const { code, verifier } = await codeFor('google');
    const body = JSON.stringify({ auth_code: code, code_verifier: verifier });
    const missing = await fetch(`${auth.url}/auth/v1/token?grant_type=pkce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
    const wrong = await token('pkce', JSON.parse(body), { apikey: 'sb_publishable_someone-else' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ message: 'Invalid API key' });
    expect((await token('pkce', JSON.parse(body))).status).toBe(200);
  });

  it('answers a preflight from the app origin for the headers browsers send, and echoes the origin', async () => {
    const preflight = await fetch(`${auth.url}/auth/v1/token?grant_type=pkce`, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey, authorization, content-type, x-client-info, x-supabase-api-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'apikey, authorization, content-type, x-client-info, x-supabase-api-version',
    );
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');

    const refused = await fetch(`${auth.url}/auth/v1/token`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-evil' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const session = await signIn();
    const answer = await fetch(`${auth.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { origin: APP, apikey: auth.publishableKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    const failed = await fetch(`${auth.url}/auth/v1/token?grant_type=pkce`, {
      method: 'POST',
      headers: { origin: APP, apikey: auth.publishableKey },
      body: '{}',
    });
    expect(failed.headers.get('access-control-allow-origin')).toBe(APP);
  });
});
