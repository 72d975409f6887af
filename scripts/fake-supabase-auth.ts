// A fake Supabase Auth (GoTrue) for the OAuth sign-in a browser app does with PKCE, faithful to
// GoTrue's HTTP API (github.com/supabase/auth, internal/api): parameter names, response fields,
// error shapes, refresh token rotation. Used by the worker suites (its JWKS) and the browser tests.
//
//   GET  /auth/v1/authorize?provider=google|github&redirect_to=…&code_challenge=…&code_challenge_method=s256
//        302 straight back to redirect_to with ?code=<auth code> (no consent page); the code is bound to
//        the challenge and to the provider's test person (FAKE_IDENTITIES), or to `login_hint=<email>`.
//        Without a challenge: the implicit flow, the session in the URL fragment.
//   POST /auth/v1/token?grant_type=pkce           {auth_code, code_verifier}  -> session (code single use)
//   POST /auth/v1/token?grant_type=refresh_token  {refresh_token}             -> session, token rotated
//   GET  /auth/v1/user      (Bearer access token) -> the user
//   POST /auth/v1/logout[?scope=global|local|others]  (Bearer access token) -> 204
//   GET  /auth/v1/settings, /auth/v1/health
//   GET  /auth/v1/.well-known/jwks.json           the ES256 public key
// Sessions are {access_token, token_type: 'bearer', expires_in, expires_at, refresh_token, user}.
// Access tokens are ES256 JWTs: iss `<url>/auth/v1`, aud and role `authenticated`, sub the user id,
// email, session_id, app_metadata {provider, providers}, user_metadata, aal, amr, exp.
// As behind Supabase's gateway, every route but /authorize and the JWKS needs `apikey: <publishable key>`
// (401 {message, hint} otherwise). Browsers on other origins may call it (CORS, preflights answered).
// Errors are GoTrue's: {code, error_code, msg}, or {code, message} with X-Supabase-Api-Version: 2024-01-01.
//
// Control (tests): GET|POST /__control/settings {accessTokenTtlSeconds, refreshTokenReuseIntervalSeconds}.
// `node scripts/fake-supabase-auth.ts` runs it on FAKE_AUTH_PORT (default 8791).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { JWK } from 'jose';
import { FlowStates } from './fake-supabase-auth/pkce.ts';
import { createHandler, type AuthSettings } from './fake-supabase-auth/router.ts';
import { Sessions } from './fake-supabase-auth/sessions.ts';
import { createSigningKey } from './fake-supabase-auth/tokens.ts';
import { Users } from './fake-supabase-auth/users.ts';

export { FAKE_IDENTITIES, type Provider } from './fake-supabase-auth/users.ts';
export type { AuthSettings } from './fake-supabase-auth/router.ts';

export const DEFAULT_PUBLISHABLE_KEY = 'sb_publishable_fake-supabase-auth-local';

export type FakeSupabaseAuthOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Accepted in `apikey`; default DEFAULT_PUBLISHABLE_KEY. */
  publishableKey?: string;
  /** Access token lifetime; default 3600 s, as on Supabase. Changeable at run time through /__control/settings. */
  accessTokenTtlSeconds?: number;
  /** Default 0 s (GoTrue's default; hosted projects use 10 s). */
  refreshTokenReuseIntervalSeconds?: number;
  /** Where /authorize sends the browser when redirect_to is not allowed; default http://127.0.0.1:3000 (the Supabase CLI's). */
  siteUrl?: string;
  /** More allowed redirect URLs (globs), like the project's Redirect URLs setting. */
  additionalRedirectUrls?: string[];
};

export type FakeSupabaseAuth = {
  /** `http://127.0.0.1:PORT`: the project URL (SUPABASE_URL). */
  url: string;
  /** `<url>/auth/v1`, the `iss` of its tokens. */
  issuer: string;
  publishableKey: string;
  /** The signing key, for tests that sign tokens of their own. */
  privateJwk: JWK;
  /** Live settings; changes apply to the next token issued. */
  settings: AuthSettings;
  close(): Promise<void>;
};

export async function startFakeSupabaseAuth(options: FakeSupabaseAuthOptions = {}): Promise<FakeSupabaseAuth> {
  const publishableKey = options.publishableKey ?? DEFAULT_PUBLISHABLE_KEY;
  const settings: AuthSettings = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    refreshTokenReuseIntervalSeconds: options.refreshTokenReuseIntervalSeconds ?? 0,
  };
  const key = await createSigningKey(randomUUID());
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake supabase auth: no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  const issuer = `${url}/auth/v1`;
  server.on(
    'request',
    createHandler({
      issuer,
      apiKeys: [publishableKey],
      key,
      settings,
      siteUrl: options.siteUrl ?? 'http://127.0.0.1:3000',
      additionalRedirectUrls: options.additionalRedirectUrls ?? [],
      users: new Users(),
      flows: new FlowStates(300),
      sessions: new Sessions(() => settings.refreshTokenReuseIntervalSeconds),
    }),
  );
  return {
    url,
    issuer,
    publishableKey,
    privateJwk: key.privateJwk,
    settings,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

if (import.meta.main) {
  const auth = await startFakeSupabaseAuth({ port: Number(process.env.FAKE_AUTH_PORT ?? 8791) });
  console.log(`fake supabase auth: ${auth.url} (SUPABASE_URL), apikey ${auth.publishableKey}`);
}
