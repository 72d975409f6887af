// Creating and revoking API keys: Postgres keeps the record, the owner's Limiter the live set that
// requests are verified against. A key works once both hold it; a revocation reaches the Limiter
// first, so it takes effect the moment the request returns.
import { AppError, notFound } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { UserClaims } from '../db/as-user.ts';
import {
  deleteApiKey,
  findApiKey,
  insertApiKey,
  markApiKeyRevoked,
  touchApiKey,
  type ApiKeyRow,
} from '../db/api-keys.ts';
import { ensureProfile } from '../db/profiles.ts';
import { userLimiter } from '../usage/limiters.ts';
import { generateApiKey } from './api-keys.ts';
import { log } from '../log.ts';

type Owner = { userId: string; email?: string; claims: UserClaims };

/** A new key; its secret is in the answer and nowhere else. */
export async function createApiKey(
  env: Env,
  db: Db,
  owner: Owner,
  name: string,
): Promise<ApiKeyRow & { secret: string }> {
  await ensureProfile(db, owner.userId, owner.email);
  const key = await generateApiKey(owner.userId);
  const row = await insertApiKey(db, owner.claims, { name, prefix: key.prefix, hash: key.hash });
  try {
    await userLimiter(env, owner.userId).registerKey(owner.userId, { id: row.id, hash: key.hash });
  } catch (error) {
    await deleteApiKey(db, owner.claims, row.id).catch(() => undefined);
    throw limitsUnavailable(error);
  }
  return { ...row, secret: key.secret };
}

export async function revokeApiKey(env: Env, db: Db, owner: Owner, id: string): Promise<void> {
  const key = await findApiKey(db, owner.claims, id);
  if (!key) throw notFound('API key not found');
  try {
    await userLimiter(env, owner.userId).revokeKey(owner.userId, key.hash);
  } catch (error) {
    throw limitsUnavailable(error);
  }
  await markApiKeyRevoked(db, owner.claims, id);
}

// When this isolate last recorded each key's use: a busy key costs one write a minute, not one per request.
const touched = new Map<string, number>();
const TOUCH_EVERY_MS = 60_000;
const TOUCHED_MAX = 10_000;

/** Records that a key was used, behind the response (`waitUntil`); a failure only delays the record. */
export function noteKeyUsed(db: Db, keyId: string, waitUntil: (promise: Promise<unknown>) => void) {
  const now = Date.now();
  if (now - (touched.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
  if (touched.size >= TOUCHED_MAX) touched.clear();
  touched.set(keyId, now);
  waitUntil(
    touchApiKey(db, keyId, new Date(now)).catch((error: unknown) => {
      touched.delete(keyId);
      log.warn('api key last use not recorded', { keyId }, error);
    }),
  );
}

function limitsUnavailable(cause: unknown) {
  log.error('limiter unavailable for api keys', {}, cause);
  return new AppError(503, 'limits_unavailable', 'API keys cannot be changed right now: try again shortly', { cause });
}
