import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';

/**
 * A response to a request that carried credentials is the caller's alone (an API key's secret, a
 * conversation, a bill): no browser, proxy or CDN may keep a copy. A stream keeps `no-transform`,
 * which stops proxies buffering it.
 */
export const noStoreWhenAuthorized = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.req.header('authorization')) return;
  // Marked private by its route (an owner's file, which never changes under its id): the caller's browser may keep it.
  if (c.res.headers.get('cache-control')?.startsWith('private')) return;
  const transform = c.res.headers.get('cache-control')?.includes('no-transform') ? ', no-transform' : '';
  c.res.headers.set('cache-control', `no-store${transform}`);
});
