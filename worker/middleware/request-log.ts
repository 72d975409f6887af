import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { log } from '../log.ts';

/** One JSON line per request (with its ids, from the log context): method, path, status, duration and subject. Never a token or a body. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  (c.res.status >= 500 ? log.error : log.info)('request', {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Math.round(performance.now() - started),
    subject: c.var.subject ? `${c.var.subject.type}:${c.var.subject.id}` : undefined,
  });
});
