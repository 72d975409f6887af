// Any server Postgres (local, Supabase, a CI service) through a node-postgres pool.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { textOutputTypes, type Backend } from './backend.ts';

export async function openPostgresBackend(databaseUrl: string, migrationsFolder?: string): Promise<Backend> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    // Neon and Supabase sessions run in UTC; match them so timestamptz text is identical.
    // An `options` parameter in the URL takes precedence.
    options: '-c TimeZone=UTC',
    types: textOutputTypes,
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
