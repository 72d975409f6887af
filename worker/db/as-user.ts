import { sql } from 'drizzle-orm';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import { type Db, transaction } from './client.ts';

/** The JWT claims Postgres sees through auth.uid() and auth.jwt(), as on Supabase. */
export type UserClaims = { sub: string; role?: string; email?: string; [claim: string]: unknown };

/**
 * Runs statements on a user's behalf as one transaction, under Row Level Security: the claims go
 * into `request.jwt.claims` and the role becomes `authenticated`, both scoped to the transaction.
 * Build the statements on the handle `build` is given. Returns their results, in order.
 */
export async function asUser<const T extends readonly [BatchItem<'pg'>, ...BatchItem<'pg'>[]]>(
  db: Db,
  claims: UserClaims,
  build: (q: Db) => T,
): Promise<BatchResponse<T>> {
  const results = await transaction(db, (q) => [
    q.execute(
      sql`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'authenticated', ...claims })}, true)`,
    ),
    q.execute(sql`set local role authenticated`),
    ...build(q),
  ]);
  return results.slice(2) as BatchResponse<T>;
}
