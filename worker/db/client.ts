import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import * as schema from '../../drizzle/schema.ts';

export type Db = ReturnType<typeof createDb>;

/**
 * Drizzle over Neon's HTTP SQL protocol. Locally DATABASE_HTTP_ENDPOINT points the driver at the
 * project's gateway (scripts/db-gateway.ts); in production it is unset and the driver talks to Neon.
 * The handle connects as the database owner, which RLS does not restrict: use it for jobs and
 * webhooks, and `asUser` for anything done on a user's behalf.
 */
export function createDb(env: Pick<Env, 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>) {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: see README "Configuration"');
  if (env.DATABASE_HTTP_ENDPOINT) neonConfig.fetchEndpoint = env.DATABASE_HTTP_ENDPOINT;
  return drizzle(neon(env.DATABASE_URL), { schema });
}
