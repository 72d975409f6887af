// The database handle everything above this folder uses, over one of two transports chosen by the
// Worker's bindings: Hyperdrive (node-postgres over TCP) when a HYPERDRIVE binding exists, else
// Neon's HTTP driver. Code above worker/db builds queries on `Db` and runs several together with
// `transaction`; it never knows which transport carries them.
import { DrizzleQueryError } from 'drizzle-orm';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import { type HyperdriveBinding, type HyperdriveDb, hyperdriveDb, hyperdriveIdle } from './hyperdrive.ts';
import { asDatabaseError } from './errors.ts';
import { neonHttpDb, type NeonHttpDb } from './neon-http.ts';

/** The query builder both transports share (Drizzle's Postgres dialect). */
export type Db = NeonHttpDb;

export type DatabaseTransport = 'hyperdrive' | 'neon-http';

/**
 * What the db module reads from a Worker's environment (the chat Worker's or the billing Worker's:
 * both bind the same database). HYPERDRIVE is optional: only a deploy for Supabase (or
 * `DATABASE_TRANSPORT=hyperdrive`) binds it.
 */
export type DatabaseEnv = {
  DATABASE_URL?: string;
  DATABASE_HTTP_ENDPOINT?: string;
  DATABASE_TIMEOUT_MS?: string;
  HYPERDRIVE?: HyperdriveBinding;
};

/**
 * How long one query (or one batch) may take before it counts as the database being away: a
 * request then answers 503 database_unavailable instead of hanging, and a Durable Object's flush
 * backs off and retries. Postgres's own statement timeout is longer; this is the Worker's patience.
 */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

function databaseTimeoutMs(env: DatabaseEnv): number {
  const ms = Number(env.DATABASE_TIMEOUT_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : DEFAULT_DATABASE_TIMEOUT_MS;
}

const overTcp = new WeakMap<Db, HyperdriveDb>();

export function databaseTransport(env: DatabaseEnv): DatabaseTransport {
  return env.HYPERDRIVE ? 'hyperdrive' : 'neon-http';
}

/**
 * A handle that connects as the database owner, which RLS does not restrict: use it for jobs and
 * webhooks, and `asUser` for anything done on a user's behalf. Over Hyperdrive it is a new handle
 * each call (sockets belong to the request that opened them); over HTTP the isolate shares one.
 * Locally DATABASE_HTTP_ENDPOINT points the HTTP driver at the project's gateway (scripts/db-gateway.ts).
 */
export function createDb(env: DatabaseEnv): Db {
  if (env.HYPERDRIVE) {
    const tcp = hyperdriveDb(env.HYPERDRIVE, databaseTimeoutMs(env));
    // Both are Drizzle's Postgres query builder; only how statements travel differs.
    const db = tcp as unknown as Db;
    overTcp.set(db, tcp);
    return db;
  }
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: see docs/configuration.md');
  return neonHttpDb(env.DATABASE_URL, env.DATABASE_HTTP_ENDPOINT || undefined, databaseTimeoutMs(env));
}

/**
 * Runs the statements `build` makes as one transaction and returns their results in order. Build
 * them on the handle it is given (not the outer one): over TCP that is the transaction's own
 * connection. Over HTTP the whole transaction is one request.
 */
export async function transaction<const T extends readonly [BatchItem<'pg'>, ...BatchItem<'pg'>[]]>(
  db: Db,
  build: (q: Db) => T,
): Promise<BatchResponse<T>> {
  const tcp = overTcp.get(db);
  if (!tcp) return db.batch(build(db));
  try {
    return await tcp.transaction(async (tx) => {
      const results: unknown[] = [];
      for (const statement of build(tx as unknown as Db)) results.push(await statement);
      return results as BatchResponse<T>;
    });
  } catch (error) {
    // A statement failed as a batch over HTTP fails: with Postgres's own error, not Drizzle's
    // wrapper around it. An error of `build` itself is left as it is.
    throw error instanceof DrizzleQueryError ? asDatabaseError(error) : error;
  }
}

/**
 * Runs `work` with a handle of its own, closed once `work` settles (a job, a flush, a Durable
 * Object's load: work whose end is known). Over HTTP there is nothing to close.
 */
export async function withDatabase<T>(env: DatabaseEnv, work: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(env);
  try {
    return await work(db);
  } finally {
    await closeDatabase(db);
  }
}

/** Closes the handle's connections now (nothing to close over HTTP); a query after this fails. */
export async function closeDatabase(db: Db): Promise<void> {
  await overTcp.get(db)?.$client.end();
}

/** Resolves once the handle holds no open connection (at once over HTTP): pass it to `waitUntil` where a handle was made. */
export function databaseIdle(db: Db): Promise<void> {
  const tcp = overTcp.get(db);
  return tcp ? hyperdriveIdle(tcp) : Promise.resolve();
}
