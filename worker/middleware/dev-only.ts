import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { AppError } from '../errors.ts';
import { isLoopbackRequest } from '../auth/dev-secrets.ts';
import { onNotFound } from './errors.ts';

/**
 * Guards /api/dev/*, which mints sessions with a secret that is in the source: outside
 * AUTH_MODE=dev the path does not exist, and even in dev mode it answers only on a loopback host,
 * so a deploy left in dev mode by mistake cannot be signed in to by anyone.
 */
export const devOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.AUTH_MODE !== 'dev') return onNotFound(c);
  if (!isLoopbackRequest(c.req.url)) {
    throw new AppError(
      403,
      'dev_sign_in_local_only',
      'Dev sign-in answers only on 127.0.0.1, localhost or [::1]: AUTH_MODE=dev is for a local stack, never a deploy',
    );
  }
  await next();
});
