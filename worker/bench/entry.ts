// The Worker as `npm run bench` runs it: the production Worker (worker/index.ts), plus two probes that
// time the Limiter and the database from inside the Worker. Never deployed: wrangler.toml's `main` is
// worker/index.ts, and the bench runs a copy of it whose `main` is this file (scripts/lib/worker-config.ts).
// The probes answer only as dev sign-in does: AUTH_MODE=dev, on a loopback host.
import { Hono } from 'hono';
import * as z from 'zod';
import worker from '../index.ts';
import type { AppEnv } from '../env.ts';
import { devOnly } from '../middleware/dev-only.ts';
import { onError, onNotFound } from '../middleware/errors.ts';
import { requestIds } from '../middleware/request-id.ts';
import { validate } from '../validation.ts';
import { probeRoundTrips } from './db-probe.ts';
import { probeLimiter } from './limiter-probe.ts';

export { Backlog, ConversationRoom, Limiter, ResumableReply, Site } from '../index.ts';

const dbProbeBody = z.strictObject({
  samples: z.number().int().min(1).max(200),
  perSample: z.number().int().min(1).max(20),
});
const limiterProbeBody = z.strictObject({
  subjects: z.number().int().min(1).max(200),
  rounds: z.number().int().min(1).max(100),
});

const probes = new Hono<AppEnv>()
  .use(requestIds)
  .use(devOnly)
  // The Limiter: decision times measured inside the Worker (throwaway subjects).
  .post('/api/dev/limiter-probe', validate('json', limiterProbeBody), async (c) => {
    const { subjects, rounds } = c.req.valid('json');
    return c.json(await probeLimiter(c.env, subjects, rounds));
  })
  // The database: round trips timed inside the Worker, on its transport.
  .post('/api/dev/db-probe', validate('json', dbProbeBody), async (c) => {
    const { samples, perSample } = c.req.valid('json');
    return c.json(await probeRoundTrips(c.env, samples, perSample));
  });
probes.onError(onError);
probes.notFound(onNotFound);

const PROBE_PATHS = new Set(['/api/dev/limiter-probe', '/api/dev/db-probe']);

export default {
  fetch: (request, env, ctx) =>
    PROBE_PATHS.has(new URL(request.url).pathname) ? probes.fetch(request, env, ctx) : worker.fetch!(request, env, ctx),
  queue: worker.queue,
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
