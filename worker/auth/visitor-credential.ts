// Visitor credentials: who a widget visitor is, minted by Parley and kept by the widget (in the
// host page's localStorage, one per site key) to come back as the same visitor. An HS256 JWT
// signed with WIDGET_TOKEN_SECRET like the visitor token, but with an audience of its own, so
// neither passes for the other; bound to one site and one visitor, good for 30 days, renewed by
// any session in the second half of its life. It names no origin: the session that presents it
// checks the page's Origin against the site as it is then.
import { SignJWT, errors, jwtVerify } from 'jose';
import { AppError } from '../errors.ts';

const ISSUER = 'parley';
const AUDIENCE = 'parley-widget-visitor';
export const VISITOR_CREDENTIAL_SECONDS = 30 * 24 * 60 * 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type CredentialClaims = {
  visitorId: string;
  siteId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The visitor passed the site's Turnstile check when this identity was minted or since. */
  turnstile: boolean;
};

/** A credential for this visitor of this site, expiring VISITOR_CREDENTIAL_SECONDS after `now` (unix seconds). */
export async function signVisitorCredential(
  key: CryptoKey,
  claims: Omit<CredentialClaims, 'expiresAt'>,
  now = Math.floor(Date.now() / 1000),
) {
  const expiresAt = now + VISITOR_CREDENTIAL_SECONDS;
  const credential = await new SignJWT({ site: claims.siteId, ...(claims.turnstile ? { ts: true } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.visitorId)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { credential, expiresAt };
}

/**
 * What a presented credential says: its claims, `expired`, or `invalid` (tampered with, signed
 * with another secret, a visitor token, not a JWT at all). Which site it names is the caller's to
 * check.
 */
export async function readVisitorCredential(
  key: CryptoKey,
  credential: string,
  now = Math.floor(Date.now() / 1000),
): Promise<CredentialClaims | 'expired' | 'invalid'> {
  try {
    const { payload } = await jwtVerify(credential, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      currentDate: new Date(now * 1000),
    });
    const { sub, site, exp, ts } = payload;
    if (typeof sub !== 'string' || !UUID.test(sub) || typeof site !== 'string' || !UUID.test(site)) return 'invalid';
    return { visitorId: sub, siteId: site, expiresAt: exp!, turnstile: ts === true };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return 'expired';
    return 'invalid';
  }
}

/** A credential another site issued: never this site's visitor (the widget keeps one per site key, so a browser never sends one by mistake). */
export function credentialForAnotherSite() {
  return new AppError(
    401,
    'visitor_credential_wrong_site',
    'This visitor credential belongs to another site: send the one this site issued, or none for a new visitor',
  );
}
