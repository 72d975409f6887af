import { env, exports } from 'cloudflare:workers';
import { profiles, usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { importJWK, SignJWT } from 'jose';
import { inject } from 'vitest';

export const BASE = 'http://localhost';

/** A request through the Worker's real fetch handler, as a client would send it. */
export function call(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...init, headers }));
}

/** The Worker's environment with its database, over whichever transport this project uses, at a port nothing listens on. */
export function withUnreachableDatabase<T extends object>(bindings: T): T {
  return {
    ...bindings,
    DATABASE_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql',
    ...('HYPERDRIVE' in bindings
      ? { HYPERDRIVE: { connectionString: 'postgresql://postgres:postgres@127.0.0.1:9/postgres' } }
      : {}),
  };
}

/** Signs in through the dev route and returns the access token and user id. */
export async function signIn(email = `user-${crypto.randomUUID()}@example.com`) {
  const res = await call('/api/dev/session', { method: 'POST', body: JSON.stringify({ email }) });
  if (res.status !== 200) throw new Error(`dev sign-in failed: ${res.status} ${await res.text()}`);
  const session = await res.json<{ accessToken: string; user: { id: string; email: string } }>();
  return { token: session.accessToken, userId: session.user.id, email: session.user.email };
}

/** A token signed like the Supabase project would with its asymmetric (ES256) key. */
export async function signEs256(
  claims: Record<string, unknown>,
  options: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
) {
  const jwk = inject('supabasePrivateJwk');
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? `${inject('supabaseUrl')}/auth/v1`)
    .setAudience(options.audience ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(key);
}

export type ErrorEnvelope = { error: { code: string; message: string } };

/** Polls `probe` until `ok` holds or `timeoutMs` passes; returns the last value either way, for the test to assert on. */
export async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

/** POST /api/conversations; the new conversation's id. */
export async function createConversation(token: string, body: Record<string, unknown> = {}) {
  const res = await call('/api/conversations', { method: 'POST', token, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`creating a conversation failed: ${res.status} ${await res.text()}`);
  return (await res.json<{ id: string }>()).id;
}

/** POST /api/conversations/:id/messages; the event stream is the caller's to read. */
export function sendMessage(token: string, conversationId: string, content: string, model?: string) {
  return call(`/api/conversations/${conversationId}/messages`, {
    method: 'POST',
    token,
    body: JSON.stringify({ content, model }),
  });
}

/** POST /api/keys as the signed-in user; the created key with its secret. */
export async function createKey(token: string, name = 'test key') {
  const res = await call('/api/keys', { method: 'POST', token, body: JSON.stringify({ name }) });
  if (res.status !== 201) throw new Error(`creating an API key failed: ${res.status} ${await res.text()}`);
  return res.json<{
    id: string;
    name: string;
    prefix: string;
    key: string;
    createdAt: string;
    lastUsedAt: string | null;
  }>();
}

/** A signed-in user with one API key. */
export async function userWithKey() {
  const user = await signIn();
  const key = await createKey(user.token);
  return { ...user, key: key.key, keyId: key.id };
}

export type OpenAiErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/** POST /v1/chat/completions with an API key. */
export function complete(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call('/v1/chat/completions', { method: 'POST', token: key, headers, body: JSON.stringify(body) });
}

/** Records usage in Postgres that takes the user's whole free monthly quota; do it before their Limiter first sees them (it seeds from Postgres once). */
export async function useUpFreeQuota(userId: string) {
  const db = createDb(env);
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  await db.insert(usageEvents).values({
    id: crypto.randomUUID(),
    userId,
    subjectType: 'user',
    subjectId: userId,
    model: 'openai/gpt-4.1-mini',
    provider: 'openai',
    inputTokens: TIER_LIMITS.free.monthlyTokens!,
    outputTokens: 0,
    costUsd: '0',
    occurredAt: new Date(),
  });
}

/** An API key whose owner's monthly quota is used up, recorded before their Limiter first sees them (creating the key seeds it). */
export async function keyOutOfQuota() {
  const user = await signIn();
  await useUpFreeQuota(user.userId);
  return (await createKey(user.token)).key;
}
