import { cors } from 'hono/cors';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

// Bearer tokens, never cookies: no credentials mode anywhere. Requested headers are reflected
// (the OpenAI SDKs send their own x-stainless-* headers), and a preflight is cached for a day.
const EXPOSED = ['retry-after', 'x-request-id', 'x-should-retry', 'x-message-id'];
const MAX_AGE = 86_400;

/** /v1/*: any origin; the API key is the boundary. */
export const openCors: MiddlewareHandler<AppEnv> = cors({ origin: '*', exposeHeaders: EXPOSED, maxAge: MAX_AGE });

const apiCors: MiddlewareHandler<AppEnv> = cors({
  origin: (origin, c) =>
    origin === new URL(c.req.url).origin || configuredOrigins(c.env.API_CORS_ORIGINS).has(origin) ? origin : null,
  exposeHeaders: EXPOSED,
  maxAge: MAX_AGE,
});

/**
 * /api/widget/*: the requesting origin is reflected, whatever it is. The widget runs on host pages
 * anywhere; which origins may use a site is decided by the session (the site's allowed origins)
 * and by the visitor token, bound to the origin it was issued to, never by CORS. Only the headers
 * the widget sends are allowed.
 */
export const widgetCors: MiddlewareHandler<AppEnv> = cors({
  origin: (origin) => origin || null,
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['authorization', 'content-type', 'last-event-id'],
  exposeHeaders: EXPOSED,
  maxAge: MAX_AGE,
});

/** /api/*: the app's own origin and those in API_CORS_ORIGINS; other origins get no CORS headers, so browsers refuse them. The widget's routes have their own. */
export const appCors: MiddlewareHandler<AppEnv> = (c, next) =>
  c.req.path.startsWith('/api/widget/') ? next() : apiCors(c, next);

const parsed = new Map<string, Set<string>>();
function configuredOrigins(list: string | undefined): Set<string> {
  const key = list ?? '';
  let origins = parsed.get(key);
  if (!origins)
    parsed.set(
      key,
      (origins = new Set(
        key
          .split(',')
          .map((o) => o.trim().replace(/\/+$/, ''))
          .filter(Boolean),
      )),
    );
  return origins;
}
