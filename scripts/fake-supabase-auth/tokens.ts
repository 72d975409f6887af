// The project's signing key and its access tokens, as GoTrue issues them with an asymmetric (ES256)
// key: header {alg, kid, typ}, and the claims of tokens.AccessTokenClaims with `aud` as a single
// string. GET /user checks a presented token the way GoTrue's requireAuthentication does.
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { forbidden } from './errors.ts';
import type { User } from './users.ts';

export type SigningKey = {
  /** Signs the tokens; tests may sign their own with it (test/worker/helpers.ts). */
  privateJwk: JWK;
  /** What /.well-known/jwks.json serves. */
  publicJwk: JWK;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
};

export async function createSigningKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'], ext: true },
    privateKey,
    publicKey,
  };
}

export type AccessTokenInput = {
  user: User;
  sessionId: string;
  issuer: string;
  lifetimeSeconds: number;
  amr: { method: string; timestamp: number }[];
};

/** A signed access token and its expiry (seconds since the epoch). */
export async function signAccessToken(
  key: SigningKey,
  input: AccessTokenInput,
): Promise<{ token: string; expiresAt: number }> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + input.lifetimeSeconds;
  const token = await new SignJWT({
    email: input.user.email,
    phone: '',
    app_metadata: input.user.appMetadata,
    user_metadata: input.user.userMetadata,
    role: 'authenticated',
    aal: 'aal1',
    amr: input.amr,
    session_id: input.sessionId,
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.privateJwk.kid!, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setSubject(input.user.id)
    .setAudience('authenticated')
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key.privateKey);
  return { token, expiresAt };
}

/** The claims of a token this server signed and that has not expired; GoTrue's 403 bad_jwt otherwise. */
export async function verifyAccessToken(
  key: SigningKey,
  token: string,
): Promise<JWTPayload & { sub: string; session_id?: string }> {
  try {
    const { payload } = await jwtVerify(token, key.publicKey, { algorithms: ['ES256'] });
    if (typeof payload.sub !== 'string') throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
    return payload as JWTPayload & { sub: string; session_id?: string };
  } catch (error) {
    if (!(error instanceof errors.JOSEError)) throw error;
    // golang-jwt's wording, which GoTrue puts after its own prefix.
    const reason =
      error instanceof errors.JWTExpired ? 'token has invalid claims: token is expired' : 'token signature is invalid';
    throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${reason}`);
  }
}
