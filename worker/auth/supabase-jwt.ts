// Verifies Supabase access tokens: HS256 with the project's legacy JWT secret, or ES256/RS256
// against the project's JWKS. Issuer, audience, expiry and a UUID subject are always checked.
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError, unauthorized } from '../errors.ts';
import type { UserClaims } from '../db/as-user.ts';
import { DEV_JWT_SECRET, isLoopbackRequest, signingSecret } from './dev-secrets.ts';
import { isUuid } from '../uuid.ts';

export const AUDIENCE = 'authenticated';
const DEV_ISSUER = 'http://127.0.0.1:8787/auth/v1';

export type AuthConfig = { issuer: string; hsSecret?: Uint8Array; jwksUrl?: URL };
export type VerifiedUser = { userId: string; email?: string; claims: UserClaims };

// One config per set of values for the isolate's life, so its HS256 key is imported once (below).
const configs = new Map<string, AuthConfig>();

type AuthEnv = Pick<Env, 'AUTH_MODE' | 'SUPABASE_URL' | 'SUPABASE_JWT_SECRET'>;

/** How tokens sent to `requestUrl` are verified: the development secret only ever on a loopback host (dev-secrets.ts). */
export function authConfig(env: AuthEnv, requestUrl: string): AuthConfig {
  const loopback = isLoopbackRequest(requestUrl);
  const cacheKey = `${env.AUTH_MODE}\n${loopback}\n${env.SUPABASE_URL}\n${env.SUPABASE_JWT_SECRET}`;
  let config = configs.get(cacheKey);
  if (!config) configs.set(cacheKey, (config = buildAuthConfig(env, loopback)));
  return config;
}

function buildAuthConfig(env: AuthEnv, loopback: boolean): AuthConfig {
  const supabaseUrl = env.SUPABASE_URL?.replace(/\/+$/, '');
  const secret = signingSecret(env.SUPABASE_JWT_SECRET, DEV_JWT_SECRET, { authMode: env.AUTH_MODE, loopback });
  if (!supabaseUrl && !(env.AUTH_MODE === 'dev' && loopback)) {
    throw new AppError(
      503,
      'auth_not_configured',
      env.AUTH_MODE === 'dev'
        ? 'AUTH_MODE=dev signs in only on 127.0.0.1, localhost or [::1]: a deploy needs AUTH_MODE=supabase and SUPABASE_URL'
        : 'Sign-in is not configured: set SUPABASE_URL (and SUPABASE_JWT_SECRET for HS256 projects)',
    );
  }
  return {
    issuer: supabaseUrl ? `${supabaseUrl}/auth/v1` : DEV_ISSUER,
    hsSecret: secret ? new TextEncoder().encode(secret) : undefined,
    jwksUrl: supabaseUrl ? new URL(`${supabaseUrl}/auth/v1/.well-known/jwks.json`) : undefined,
  };
}

/** The HS256 secret as a verification key, imported once per secret (jose would import it on every call). */
const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  // The front end typechecks this file too (through AppType), where the DOM's importKey wants a BufferSource.
  const raw = secret as BufferSource;
  if (!key)
    hmacKeys.set(
      secret,
      (key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])),
    );
  return key;
}

// One key set per URL for the isolate's life; jose caches keys and refetches on an unknown `kid`.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(url: URL) {
  let set = keySets.get(url.href);
  if (!set) keySets.set(url.href, (set = createRemoteJWKSet(url, { timeoutDuration: 5000 })));
  return set;
}

export async function verifyAccessToken(token: string, config: AuthConfig): Promise<VerifiedUser> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (cause) {
    throw unauthorized('The access token is malformed', cause);
  }
  const options = { issuer: config.issuer, audience: AUDIENCE, requiredClaims: ['sub', 'exp'] };
  let payload: JWTPayload;
  try {
    if (alg === 'HS256') {
      if (!config.hsSecret)
        throw unauthorized(
          'HS256 access tokens are not accepted here: tokens must be signed with a key from the project JWKS',
        );
      ({ payload } = await jwtVerify(token, await hmacKey(config.hsSecret), { ...options, algorithms: ['HS256'] }));
    } else {
      if (!config.jwksUrl)
        throw unauthorized(`Access tokens signed with ${alg ?? 'no algorithm'} are not accepted here`);
      ({ payload } = await jwtVerify(token, keySet(config.jwksUrl), { ...options, algorithms: ['ES256', 'RS256'] }));
    }
  } catch (cause) {
    throw toAuthError(cause);
  }
  if (!isUuid(payload.sub)) throw unauthorized('The access token subject is not a user id');
  const email = typeof payload.email === 'string' ? payload.email : undefined;
  return { userId: payload.sub, email, claims: { ...payload, sub: payload.sub } };
}

function toAuthError(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  if (cause instanceof errors.JWTExpired) return unauthorized('The access token has expired: sign in again', cause);
  if (cause instanceof errors.JWTClaimValidationFailed)
    return unauthorized(`The access token's "${cause.claim}" claim is not accepted`, cause);
  if (cause instanceof errors.JWSSignatureVerificationFailed)
    return unauthorized('The access token signature is invalid', cause);
  if (cause instanceof errors.JOSEAlgNotAllowed)
    return unauthorized('The access token algorithm is not accepted', cause);
  if (cause instanceof errors.JWKSNoMatchingKey)
    return unauthorized('The access token was signed by an unknown key', cause);
  if (cause instanceof errors.JWKSTimeout || !(cause instanceof errors.JOSEError)) {
    return new AppError(503, 'auth_unavailable', 'Could not reach the sign-in key set; try again shortly', { cause });
  }
  return unauthorized('The access token is invalid', cause);
}
