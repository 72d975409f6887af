// The signed-in session. AUTH_MODE=dev: an email sign-in through /api/dev/session. AUTH_MODE=supabase:
// Supabase Auth's OAuth flow with PKCE (authorize with a code challenge, exchange the code with its
// verifier at /auth/v1/token), refreshed a minute before it expires. The session lives in
// localStorage so a reload or a new tab stays signed in.
import { createSignal } from 'solid-js';
import type { Config } from './api.ts';

export type Session = { accessToken: string; refreshToken?: string; expiresAt: number; email?: string };

const SESSION_KEY = 'parley.session';
const VERIFIER_KEY = 'parley.pkce';
const REFRESH_EARLY_S = 60;

const [session, setSession] = createSignal<Session | null>(load());
export { session };

/** Who is signed in: the token's subject (the same user through token refreshes, another after a new sign-in). */
export function signedInUser(): string | undefined {
  const token = session()?.accessToken;
  if (!token) return undefined;
  try {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string };
    return claims.sub ?? token;
  } catch {
    return token;
  }
}

let config: Config | undefined;
let refreshing: Promise<void> | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** auth.ts needs the server's auth settings before it can refresh; main.tsx hands them over at start. */
export function useConfig(value: Config) {
  config = value;
  schedule(session());
}

function load(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return stored && stored.expiresAt > Date.now() / 1000 ? stored : null;
  } catch {
    return null;
  }
}

function save(next: Session | null) {
  if (next) localStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else localStorage.removeItem(SESSION_KEY);
  setSession(next);
  schedule(next);
}

function schedule(current: Session | null) {
  clearTimeout(refreshTimer);
  if (!current?.refreshToken || !config?.supabase) return;
  const inMs = Math.max(0, (current.expiresAt - REFRESH_EARLY_S) * 1000 - Date.now());
  refreshTimer = setTimeout(() => void refresh().catch(() => undefined), inMs);
}

/** The access token to send, refreshed first if it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  const current = session();
  if (!current) return null;
  if (current.refreshToken && current.expiresAt - REFRESH_EARLY_S / 2 < Date.now() / 1000)
    await refresh().catch(() => undefined);
  return session()?.accessToken ?? null;
}

/** The server refused the token: the session is over. */
export function sessionExpired() {
  save(null);
}

export async function devSignIn(
  email: string,
  mint: (email: string) => Promise<{ accessToken: string; expiresAt: number; user: { email: string } }>,
) {
  const minted = await mint(email);
  save({ accessToken: minted.accessToken, expiresAt: minted.expiresAt, email: minted.user.email });
}

/** Leaves for Supabase's authorize endpoint; the browser comes back to /auth/callback with a code. */
export async function startOAuth(provider: 'google' | 'github', next: string) {
  const supabase = requireSupabase();
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(VERIFIER_KEY, JSON.stringify({ verifier, next }));
  const params = new URLSearchParams({
    provider,
    redirect_to: `${location.origin}/auth/callback`,
    code_challenge: challenge,
    code_challenge_method: 's256',
  });
  location.assign(`${supabase.url}/auth/v1/authorize?${params}`);
}

/** Exchanges the code the browser came back with; returns where to go next. */
export async function completeOAuth(code: string): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(VERIFIER_KEY) ?? 'null') as {
    verifier: string;
    next: string;
  } | null;
  sessionStorage.removeItem(VERIFIER_KEY);
  if (!pending) throw new Error('This sign-in link has already been used or was started in another tab: sign in again');
  save(await tokenGrant('pkce', { auth_code: code, code_verifier: pending.verifier }));
  return pending.next;
}

async function refresh() {
  const current = session();
  if (!current?.refreshToken) return;
  refreshing ??= tokenGrant('refresh_token', { refresh_token: current.refreshToken })
    .then(save, (error: unknown) => {
      // A refused refresh token ends the session; a network failure keeps it for the next try.
      if (error instanceof AuthError) save(null);
      throw error;
    })
    .finally(() => (refreshing = undefined));
  return refreshing;
}

export async function signOut() {
  const current = session();
  save(null);
  if (current?.refreshToken && config?.supabase) {
    await fetch(`${config.supabase.url}/auth/v1/logout`, {
      method: 'POST',
      headers: { apikey: config.supabase.publishableKey, authorization: `Bearer ${current.accessToken}` },
    }).catch(() => undefined);
  }
}

class AuthError extends Error {}

async function tokenGrant(grant: 'pkce' | 'refresh_token', body: Record<string, string>): Promise<Session> {
  const supabase = requireSupabase();
  const res = await fetch(`${supabase.url}/auth/v1/token?grant_type=${grant}`, {
    method: 'POST',
    headers: { apikey: supabase.publishableKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    refresh_token?: string;
    expires_at?: number;
    expires_in?: number;
    user?: { email?: string };
    error_description?: string;
    msg?: string;
    message?: string;
  };
  if (!res.ok || !data.access_token)
    throw new AuthError(data.error_description ?? data.msg ?? data.message ?? `Sign-in failed (${res.status})`);
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt: data.expires_at ?? Math.floor(Date.now() / 1000) + (data.expires_in ?? 3600),
    email: data.user?.email,
  };
}

function requireSupabase() {
  if (!config?.supabase) throw new Error('Supabase sign-in is not configured on this server');
  return config.supabase;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
