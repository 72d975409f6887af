import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';

export type Db = ReturnType<typeof connect>;

/**
 * The driver (1.2) takes its HTTP endpoint only from the global `neonConfig.fetchEndpoint`, but it
 * hands each client's `fetchOptions` to the fetch it makes. So the endpoint travels with the client
 * as this option, and one fetch function, set once and the same for every client, sends each query
 * where its client says (or to Neon's own endpoint when it says nothing).
 */
const ENDPOINT_OPTION = 'parleyEndpoint';
type EndpointInit = RequestInit & { [ENDPOINT_OPTION]?: string };
neonConfig.fetchFunction = (url: string, { [ENDPOINT_OPTION]: endpoint, ...init }: EndpointInit) =>
  fetch(endpoint ?? url, init);

// No relational schema: Parley uses the SQL-like builder only, and building the relational config
// walks the whole schema on every handle (CPU and bundle bytes for nothing).
const connect = (databaseUrl: string, endpoint: string | undefined) =>
  drizzle(neon(databaseUrl, endpoint ? { fetchOptions: { [ENDPOINT_OPTION]: endpoint } } : {}));

// A handle holds no connection or other I/O (every query is its own HTTP request), so one per
// connection string and endpoint serves every request in the isolate.
const handles = new Map<string, Db>();

/**
 * Drizzle over Neon's HTTP SQL protocol. Locally DATABASE_HTTP_ENDPOINT points the driver at the
 * project's gateway (scripts/db-gateway.ts); in production it is unset and the driver talks to Neon.
 * The handle connects as the database owner, which RLS does not restrict: use it for jobs and
 * webhooks, and `asUser` for anything done on a user's behalf.
 */
export function createDb(env: Pick<Env, 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>): Db {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: see README "Configuration"');
  const endpoint = env.DATABASE_HTTP_ENDPOINT || undefined;
  const key = `${env.DATABASE_URL}\n${endpoint ?? ''}`;
  let db = handles.get(key);
  if (!db) handles.set(key, (db = connect(env.DATABASE_URL, endpoint)));
  return db;
}
