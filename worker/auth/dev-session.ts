// AUTH_MODE=dev only: mints Supabase-shaped access tokens so the app runs without a Supabase project.
import { SignJWT } from 'jose';
import { AUDIENCE, type AuthConfig } from './supabase-jwt.ts';

const SESSION_SECONDS = 60 * 60 * 24;

/** The same email always maps to the same user id, so data survives new sessions and restarts. */
export async function devUserId(email: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`parley-dev:${email}`)));
  digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5 layout (name-based, SHA)
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function mintDevSession(email: string, config: AuthConfig) {
  if (!config.hsSecret) throw new Error('dev sessions need an HS256 secret');
  const userId = await devUserId(email);
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await new SignJWT({
    email,
    role: 'authenticated',
    aal: 'aal1',
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(config.issuer)
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + SESSION_SECONDS)
    .sign(config.hsSecret);
  return {
    accessToken,
    tokenType: 'bearer' as const,
    expiresIn: SESSION_SECONDS,
    expiresAt: now + SESSION_SECONDS,
    user: { id: userId, email },
  };
}
