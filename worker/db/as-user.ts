import { sql } from 'drizzle-orm';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import type { Db } from './client.ts';

/** The JWT claims Postgres sees through auth.uid() and auth.jwt(), as on Supabase. */
export type UserClaims = { sub: string; role?: string; email?: string; [claim: string]: unknown };

/**
 * Runs statements on a user's behalf as one transaction (one HTTP request), under Row Level
 * Security: the claims go into `request.jwt.claims` and the role becomes `authenticated`, both
 * scoped to the transaction. Returns the statements' results, in order.
 */
export async function asUser<const T extends readonly [BatchItem<'pg'>, ...BatchItem<'pg'>[]]>(
  db: Db,
  claims: UserClaims,
  statements: T,
): Promise<BatchResponse<T>> {
  const results = await db.batch([
    db.execute(
      sql`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'authenticated', ...claims })}, true)`,
    ),
    db.execute(sql`set local role authenticated`),
    ...statements,
  ]);
  return results.slice(2) as BatchResponse<T>;
}
