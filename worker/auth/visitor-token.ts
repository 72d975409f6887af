// Widget visitor tokens: HS256 JWTs signed with WIDGET_TOKEN_SECRET, good for 15 minutes, bound to
// one visitor of one site on one origin. They are checked without any lookup; whether the site
// still exists and still allows the origin is the site's Durable Object's to say (require-visitor.ts).
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../errors.ts';
import { isSiteKey } from '../sites/public-key.ts';
import { DEV_WIDGET_SECRET, isLoopbackRequest, signingSecret } from './dev-secrets.ts';

const ISSUER = 'parley';
const AUDIENCE = 'parley-widget';
const VISITOR_TOKEN_SECONDS = 15 * 60;
const MIN_SECRET_CHARS = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a visitor token says; a visitor can read it, so it names no person (the site's owner comes from the site). */
export type VisitorClaims = { visitorId: string; siteId: string; siteKey: string; origin: string };

// One key per secret for the isolate's life: importing it on every request costs CPU for nothing.
const keys = new Map<string, Promise<CryptoKey>>();

/** The key visitor tokens sent to `requestUrl` are signed and verified with; 503 widget_not_configured without a usable secret. */
export function widgetKey(env: Pick<Env, 'WIDGET_TOKEN_SECRET' | 'AUTH_MODE'>, requestUrl: string): Promise<CryptoKey> {
  const secret =
    signingSecret(env.WIDGET_TOKEN_SECRET, DEV_WIDGET_SECRET, {
      authMode: env.AUTH_MODE,
      loopback: isLoopbackRequest(requestUrl),
    }) ?? '';
  if (secret.length < MIN_SECRET_CHARS) {
    throw new AppError(
      503,
      'widget_not_configured',
      `The widget is not configured on this server: set WIDGET_TOKEN_SECRET (at least ${MIN_SECRET_CHARS} random characters)`,
    );
  }
  let key = keys.get(secret);
  if (!key)
    keys.set(
      secret,
      (key = crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      )),
    );
  return key;
}

/** A token for this visitor, expiring VISITOR_TOKEN_SECONDS after `now` (unix seconds). */
export async function signVisitorToken(key: CryptoKey, claims: VisitorClaims, now = Math.floor(Date.now() / 1000)) {
  const expiresAt = now + VISITOR_TOKEN_SECONDS;
  const token = await new SignJWT({
    site: claims.siteId,
    site_key: claims.siteKey,
    origin: claims.origin,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.visitorId)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresAt };
}

/** The claims of a valid token; 401 visitor_token_expired or visitor_token_invalid otherwise. */
export async function verifyVisitorToken(key: CryptoKey, token: string): Promise<VisitorClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (cause) {
    if (cause instanceof errors.JWTExpired)
      throw new AppError(
        401,
        'visitor_token_expired',
        'The visitor token has expired: ask POST /api/widget/session for a new one',
        { cause },
      );
    throw invalidToken(cause);
  }
  const { sub, site, site_key: siteKey, origin } = payload;
  if (
    typeof sub !== 'string' ||
    !UUID.test(sub) ||
    typeof site !== 'string' ||
    !UUID.test(site) ||
    typeof siteKey !== 'string' ||
    !isSiteKey(siteKey) ||
    typeof origin !== 'string'
  ) {
    throw invalidToken();
  }
  return { visitorId: sub, siteId: site, siteKey, origin };
}

function invalidToken(cause?: unknown) {
  return new AppError(
    401,
    'visitor_token_invalid',
    'The visitor token is not valid: ask POST /api/widget/session for a new one',
    { cause },
  );
}
