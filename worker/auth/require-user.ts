import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { unauthorized } from '../errors.ts';
import { authConfig, verifyAccessToken } from './supabase-jwt.ts';

/**
 * Resolves the signed-in user from `Authorization: Bearer <Supabase access token>`; 401 otherwise.
 * No database: the token says who it is, and the profile is made where Postgres is needed anyway
 * (`/api/me`, and a room's first write behind), so chat keeps working while Postgres is away.
 */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw unauthorized('Sign in first: send "Authorization: Bearer <access token>"');
  const user = await verifyAccessToken(match[1]!, authConfig(c.env));
  c.set('subject', { type: 'user', id: user.userId, userId: user.userId, email: user.email, claims: user.claims });
  await next();
});
