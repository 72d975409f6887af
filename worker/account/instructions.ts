// Custom instructions: saved in Postgres (the record, what GET /api/me shows), then handed to the
// user's Limiter, which every reply of theirs already asks: a reply never reads Postgres for them.
import type { Db } from '../db/client.ts';
import { saveCustomInstructions } from '../db/profiles.ts';
import { shareInstructions } from '../usage/limiters.ts';
import { AppError } from '../errors.ts';
import { log } from '../log.ts';

/**
 * Saves them (blank clears them) and tells the Limiter. If the Limiter cannot be told, the caller
 * gets a 503 and may save again: repeating it is harmless, and the Limiter keeps the newest save.
 */
export async function setCustomInstructions(
  env: Pick<Env, 'LIMITER'>,
  db: Db,
  userId: string,
  text: string | null,
): Promise<string | null> {
  const kept = text?.trim() ? text : null;
  const updatedAt = new Date();
  await saveCustomInstructions(db, userId, kept, updatedAt);
  try {
    await shareInstructions(env, userId, { text: kept, updatedAt });
  } catch (error) {
    log.error('custom instructions not handed to the limiter', {}, error);
    throw new AppError(
      503,
      'limits_unavailable',
      'Your custom instructions were saved but could not be applied to your next replies yet: save them again in a moment',
    );
  }
  return kept;
}
