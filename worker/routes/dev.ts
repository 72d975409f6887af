import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../env.ts';
import { authConfig, mintDevSession, requireSession, requireUser } from '../auth/index.ts';
import { validate } from '../validation.ts';
import { probeLimiter } from '../usage/limiter-probe.ts';
import { probeRoundTrips } from '../db/round-trip-probe.ts';

const devSessionBody = z.strictObject({ email: z.email().max(320) });
const dbProbeBody = z.strictObject({
  samples: z.number().int().min(1).max(200),
  perSample: z.number().int().min(1).max(20),
});
const limiterProbeBody = z.strictObject({
  subjects: z.number().int().min(1).max(200),
  rounds: z.number().int().min(1).max(100),
});

/** Local sign-in for AUTH_MODE=dev. app.ts always mounts it, behind middleware/dev-only.ts: a 404 in any other mode, a 403 on any host but a loopback one. */
export const dev = new Hono<AppEnv>()
  .post('/session', validate('json', devSessionBody), async (c) => {
    const { email } = c.req.valid('json');
    return c.json(await mintDevSession(email.toLowerCase(), authConfig(c.env, c.req.url)));
  })
  // The bench's window on the Limiter: decision times measured inside the Worker (throwaway subjects).
  .post('/limiter-probe', validate('json', limiterProbeBody), async (c) => {
    const { subjects, rounds } = c.req.valid('json');
    return c.json(await probeLimiter(c.env, subjects, rounds));
  })
  // The bench's window on the database: round trips timed inside the Worker, on its transport.
  .post('/db-probe', validate('json', dbProbeBody), async (c) => {
    const { samples, perSample } = c.req.valid('json');
    return c.json(await probeRoundTrips(c.env, samples, perSample));
  })
  // Sends a test error to Sentry: an unexpected error, answered as the generic 500 and reported
  // when SENTRY_DSN is set. Signed in, so the event says what kind of caller it was.
  // (The request id in the message keeps Sentry's dedupe from dropping a second test error.)
  .post('/crash', requireUser, requireSession('Test errors'), (c) => {
    throw new Error(
      `Test error from POST /api/dev/crash (request ${c.var.requestId}): Sentry receives it when SENTRY_DSN is set`,
    );
  });
