import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';

/** One JSON line per request: method, path, status, duration and subject. Never a token or a body. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: c.var.requestId,
      clientRequestId: c.var.clientRequestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
      subject: c.var.subject ? `${c.var.subject.type}:${c.var.subject.id}` : undefined,
    }),
  );
});
