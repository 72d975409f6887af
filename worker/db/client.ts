import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';

export type Db = ReturnType<typeof connect>;

// No relational schema: Parley uses the SQL-like builder only, and building the relational config
// walks the whole schema on every handle (CPU and bundle bytes for nothing).
const connect = (databaseUrl: string) => drizzle(neon(databaseUrl));

// A handle holds no connection or other I/O (every query is its own HTTP request), so one per
// connection string serves every request in the isolate.
const handles = new Map<string, Db>();

/**
 * Drizzle over Neon's HTTP SQL protocol. Locally DATABASE_HTTP_ENDPOINT points the driver at the
 * project's gateway (scripts/db-gateway.ts); in production it is unset and the driver talks to Neon.
 * The handle connects as the database owner, which RLS does not restrict: use it for jobs and
 * webhooks, and `asUser` for anything done on a user's behalf.
 */
export function createDb(env: Pick<Env, 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>): Db {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: see README "Configuration"');
  if (env.DATABASE_HTTP_ENDPOINT) neonConfig.fetchEndpoint = env.DATABASE_HTTP_ENDPOINT;
  let db = handles.get(env.DATABASE_URL);
  if (!db) handles.set(env.DATABASE_URL, (db = connect(env.DATABASE_URL)));
  return db;
}
