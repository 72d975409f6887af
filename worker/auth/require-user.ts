import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { AppError, unauthorized } from '../errors.ts';
import { userLimiter } from '../usage/limiters.ts';
import { type AuthConfig, authConfig, verifyAccessToken } from './supabase-jwt.ts';
import { INVALID_KEY, looksLikeApiKey, parseApiKey, type ApiKeyCredential } from './api-keys.ts';
import { noteKeyUsed } from './manage-keys.ts';
import type { Subject } from './subject.ts';

/**
 * Resolves the caller from `Authorization: Bearer …`: a Supabase access token (the signed-in
 * user), or an API key (acting as its owner); 401 otherwise. No database: the token says who it
 * is, and a key is checked against its owner's Limiter. Profiles are made where Postgres is
 * needed anyway (`/api/me`, and a room's first write behind), so chat keeps working while
 * Postgres is away.
 */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c);
  c.set(
    'subject',
    looksLikeApiKey(token)
      ? await keySubject(c, await apiKeyCredential(token))
      : await userSubject(token, authConfig(c.env, c.req.url)),
  );
  await next();
});

/**
 * After requireUser: a signed-in session only, never an API key, for what a leaked key must not be
 * able to do (mint more keys, outlive its revocation, change sites). `what` names it for the 403.
 */
export const requireSession = (what: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.var.subject.type !== 'user')
      throw new AppError(
        403,
        'forbidden',
        `${what} are managed by signing in: an API key cannot create, list, change or delete them`,
      );
    await next();
  });

/** Only an API key: the /v1 API. */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  c.set('subject', await keySubject(c, await apiKeyCredential(apiKeyToken(c))));
  await next();
});

/** An API key from `x-api-key` (as Anthropic's clients send it) or `Authorization: Bearer`. */
export function apiKeyToken(c: Context<AppEnv>): string {
  return c.req.header('x-api-key') || bearerToken(c);
}

export function bearerToken(c: Context<AppEnv>): string {
  const match = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw unauthorized('Sign in first: send "Authorization: Bearer <access token or API key>"');
  return match[1]!;
}

/** A key's owner and hash, not yet verified; a malformed key gets the same 401 as an unknown one. */
export async function apiKeyCredential(token: string): Promise<ApiKeyCredential> {
  const credential = looksLikeApiKey(token) ? await parseApiKey(token) : undefined;
  if (!credential) throw new AppError(401, 'invalid_api_key', INVALID_KEY);
  return credential;
}

async function userSubject(token: string, config: AuthConfig): Promise<Subject> {
  const user = await verifyAccessToken(token, config);
  return { type: 'user', id: user.userId, userId: user.userId, email: user.email, claims: user.claims };
}

async function keySubject(c: Context<AppEnv>, credential: ApiKeyCredential): Promise<Subject> {
  let keyId: string | null;
  try {
    keyId = await userLimiter(c.env, credential.userId).verifyKey(credential.userId, credential.hash);
  } catch (cause) {
    throw new AppError(503, 'auth_unavailable', 'The API key could not be checked right now: try again shortly', {
      cause,
    });
  }
  if (!keyId) throw new AppError(401, 'invalid_api_key', INVALID_KEY);
  noteKeyUsed(c.var.db, keyId, (p) => c.executionCtx.waitUntil(p));
  return apiKeySubject(credential.userId, keyId);
}

/** An API key acting as its owner: the owner's rows under RLS, the key's own rate limits. */
export function apiKeySubject(userId: string, keyId: string): Subject {
  return { type: 'api_key', id: keyId, userId, claims: { sub: userId, role: 'authenticated' } };
}
