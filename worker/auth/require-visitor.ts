import { createMiddleware } from 'hono/factory';
import type { WidgetEnv } from '../env.ts';
import { AppError } from '../errors.ts';
import { requestOrigin } from '../sites/origins.ts';
import { admitVisitor } from '../sites/site-objects.ts';
import { verifyVisitorToken, widgetKey } from './visitor-token.ts';

/**
 * Resolves a widget visitor from `Authorization: Bearer <visitor token>`: the token must be valid
 * (401 visitor_token_invalid / visitor_token_expired), used from the origin it was issued to (403
 * origin_mismatch), and its site must still exist and allow that origin, which the site's object
 * answers from memory (404 site_not_found, 403 origin_not_allowed): a deleted site's tokens stop
 * working at once. Sets the visitor as the subject and the site's current settings.
 */
export const requireVisitor = createMiddleware<WidgetEnv>(async (c, next) => {
  const key = await widgetKey(c.env, c.req.url);
  const match = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i);
  if (!match)
    throw new AppError(
      401,
      'visitor_token_invalid',
      'Send the visitor token from POST /api/widget/session as "Authorization: Bearer <token>"',
    );
  const claims = await verifyVisitorToken(key, match[1]!);
  const origin = requestOrigin(c.req.header('origin'));
  if (origin !== claims.origin) {
    throw new AppError(
      403,
      'origin_mismatch',
      'This visitor token was issued to another origin: ask POST /api/widget/session for a token from this page',
    );
  }
  const site = await admitVisitor(c.env, claims.siteKey, origin, new URL(c.req.url).origin);
  // Keys are never reused, so this holds; checked all the same, as it is free.
  if (site.id !== claims.siteId)
    throw new AppError(
      401,
      'visitor_token_invalid',
      'The visitor token is not valid: ask POST /api/widget/session for a new one',
    );
  c.set('subject', {
    type: 'visitor',
    id: `${claims.siteId}:${claims.visitorId}`,
    userId: site.ownerId,
    siteId: claims.siteId,
    visitorId: claims.visitorId,
    origin,
  });
  c.set('site', site);
  await next();
});
