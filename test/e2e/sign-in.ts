// Signing in from Node, for tests that need a session without going through the UI: the dev
// Worker's POST /api/dev/session, or the fake Supabase Auth's real PKCE flow (authorize, then the
// code exchange with its verifier) for the supabase Worker.
import { createHash, randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export type SupabaseSession = {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  expires_at: number;
  token_type: 'bearer';
  user: { id: string; email: string; app_metadata: { provider: string; providers: string[] } };
};

/** AUTH_MODE=dev: a session for `email` from the dev Worker. */
export async function devSession(
  email = `e2e-${crypto.randomUUID()}@example.com`,
): Promise<{ accessToken: string; userId: string; email: string }> {
  const res = await fetch(`${inject('e2eDevUrl')}/api/dev/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!res.ok) throw new Error(`dev sign-in failed: HTTP ${res.status} ${await res.text()}`);
  const session = (await res.json()) as { accessToken: string; user: { id: string; email: string } };
  return { accessToken: session.accessToken, userId: session.user.id, email: session.user.email };
}

/**
 * The OAuth sign-in a browser does against Supabase Auth, from Node: authorize with a fresh S256
 * challenge (the fake signs the provider's test person in, or `loginHint`), then exchange the code.
 */
export async function supabaseSession(
  provider: 'google' | 'github' = 'google',
  options: { loginHint?: string } = {},
): Promise<SupabaseSession> {
  const authUrl = inject('e2eAuthUrl');
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    provider,
    redirect_to: `${inject('e2eSupabaseUrl')}/auth/callback`,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 's256',
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  const authorized = await fetch(`${authUrl}/auth/v1/authorize?${params}`, { redirect: 'manual' });
  const code = new URL(authorized.headers.get('location') ?? '', 'http://invalid').searchParams.get('code');
  if (authorized.status !== 302 || !code)
    throw new Error(`authorize failed: HTTP ${authorized.status} ${await authorized.text()}`);
  const res = await fetch(`${authUrl}/auth/v1/token?grant_type=pkce`, {
    method: 'POST',
    headers: { apikey: inject('e2eAuthPublishableKey'), 'content-type': 'application/json' },
    body: JSON.stringify({ auth_code: code, code_verifier: verifier }),
  });
  if (!res.ok) throw new Error(`code exchange failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as SupabaseSession;
}

/** How long the fake's access tokens live from the next one issued (default 3600 s); short ones exercise refresh. */
export async function setAccessTokenLifetime(seconds: number): Promise<void> {
  const res = await fetch(`${inject('e2eAuthUrl')}/__control/settings`, {
    method: 'POST',
    body: JSON.stringify({ accessTokenTtlSeconds: seconds }),
  });
  if (!res.ok) throw new Error(`setting the token lifetime failed: HTTP ${res.status} ${await res.text()}`);
}
