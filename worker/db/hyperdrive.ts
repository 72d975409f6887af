// The Hyperdrive transport: Drizzle over node-postgres through a Hyperdrive binding, which keeps
// pooled connections near the database and hands the Worker a cheap local one. A handle is made
// per request, flush or batch (a socket belongs to the request that opened it). Its pool opens a
// connection on the first query, reuses it while queries follow one another, and closes it once
// idle: Hyperdrive does the real pooling, so holding a connection here would only pin one of its.
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
// @ts-expect-error TypeScript resolves pg-cloudflare without the `workerd` condition, to its empty module.
import { CloudflareSocket } from 'pg-cloudflare';
import { asDatabaseError } from './errors.ts';

/** Closed after this long without a query; the next query opens a new one. */
const IDLE_MS = 200;
/** Below the Workers limit of six simultaneous connections per request. */
const MAX_CONNECTIONS = 4;

export type HyperdriveDb = NodePgDatabase & { $client: pg.Pool };

/** The part of a Hyperdrive binding node-postgres needs. */
export type HyperdriveBinding = { readonly connectionString: string };

/**
 * A pool whose failures read as the HTTP transport's do: Postgres's own error when it answered
 * (SQLSTATE `code`), DatabaseUnavailableError when it could not be reached or the connection broke.
 */
class HyperdrivePool extends pg.Pool {
  // Drizzle calls both in their promise form; pg-pool's own callback calls pass straight through.
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.catch(rethrowAsDatabaseError) : result) as never;
  }
  override connect(...args: unknown[]): never {
    const result = (super.connect as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.catch(rethrowAsDatabaseError) : result) as never;
  }
}

function rethrowAsDatabaseError(error: unknown): never {
  throw asDatabaseError(error);
}

/** `timeoutMs` bounds opening a connection and each query: a database that hangs fails (DatabaseUnavailableError, 503). */
export function hyperdriveDb(binding: HyperdriveBinding, timeoutMs: number): HyperdriveDb {
  const pool = new HyperdrivePool({
    connectionString: binding.connectionString,
    max: MAX_CONNECTIONS,
    idleTimeoutMillis: IDLE_MS,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    // Workers' TCP socket, given explicitly: pg finds it by a CommonJS require of pg-cloudflare,
    // which the test runner resolves without the `workerd` condition (to an empty module). TLS as
    // the connection string asks (a local mode pointed at a remote database with sslmode=require).
    stream: ((config: { ssl?: unknown }) => new CloudflareSocket(Boolean(config.ssl))) as never,
  });
  // A connection that fails while idle (the database restarted) is dropped; the next query opens another.
  pool.on('error', () => {});
  return drizzle({ client: pool });
}

/** Resolves once the handle holds no connection: hand it to `waitUntil` so the last one closes cleanly after the response. */
export function hyperdriveIdle(db: HyperdriveDb): Promise<void> {
  const pool = db.$client;
  return new Promise((resolve) => {
    const check = () => {
      if (pool.totalCount > 0) return;
      pool.off('remove', check);
      resolve();
    };
    pool.on('remove', check);
    check();
  });
}
