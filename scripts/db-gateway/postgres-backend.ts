// Any server Postgres (local, Supabase, a CI service) through a node-postgres pool.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { textOutputTypes, type Backend } from './backend.ts';

/** `statementTimeoutMs` (0: none) is the sessions' statement_timeout, so Postgres itself cancels a statement that runs too long. */
export async function openPostgresBackend(
  databaseUrl: string,
  migrationsFolder?: string,
  statementTimeoutMs = 0,
): Promise<Backend> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    // Neon and Supabase sessions run in UTC; match them so timestamptz text is identical.
    // An `options` parameter in the URL takes precedence.
    options: '-c TimeZone=UTC',
    types: textOutputTypes,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
  });
  // An idle client dropped by the server must not crash the gateway; the pool replaces it.
  pool.on('error', (error) => console.error(`db gateway: idle Postgres connection failed: ${error.message}`));
  try {
    await pool.query('SELECT 1'); // fail at start, not on the first request
    if (migrationsFolder) await migrate(drizzle(pool), { migrationsFolder });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { kind: 'postgres', pool, close: () => pool.end() };
}
