// Reads across every user, for the operators' view: as the database owner (Row Level Security
// does not narrow them, as it narrows everything read on a user's behalf through asUser) and in a
// read-only transaction, so an operator route can never write, whatever its query says.
import { sql } from 'drizzle-orm';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import { type Db, transaction } from './client.ts';

/** Runs the statements `build` makes as one read-only transaction; returns their results in order. */
export async function asOperator<const T extends readonly [BatchItem<'pg'>, ...BatchItem<'pg'>[]]>(
  db: Db,
  build: (q: Db) => T,
): Promise<BatchResponse<T>> {
  const results = await transaction(db, (q) => [q.execute(sql`set transaction read only`), ...build(q)]);
  return results.slice(1) as BatchResponse<T>;
}
