import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../env.ts';
import { authConfig, mintDevSession, requireSession, requireUser } from '../auth/index.ts';
import { validate } from '../validation.ts';

const devSessionBody = z.strictObject({ email: z.email().max(320) });

/** Local sign-in for AUTH_MODE=dev. app.ts always mounts it, behind middleware/dev-only.ts: a 404 in any other mode, a 403 on any host but a loopback one. */
export const dev = new Hono<AppEnv>()
  .post('/session', validate('json', devSessionBody), async (c) => {
    const { email } = c.req.valid('json');
    return c.json(await mintDevSession(email.toLowerCase(), authConfig(c.env, c.req.url)));
  })
  // Sends a test error to Sentry: an unexpected error, answered as the generic 500 and reported
  // when SENTRY_DSN is set. Signed in, so the event says what kind of caller it was.
  // (The request id in the message keeps Sentry's dedupe from dropping a second test error.)
  .post('/crash', requireUser, requireSession('Test errors'), (c) => {
    throw new Error(
      `Test error from POST /api/dev/crash (request ${c.var.requestId}): Sentry receives it when SENTRY_DSN is set`,
    );
  });
