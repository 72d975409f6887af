// Embedded Postgres (PGlite) persisted to a directory. It has a single connection, so the pool
// holds one client: requests queue for it, and a batch keeps it for its whole transaction.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { textOutputTypes, type Backend } from './backend.ts';

export async function openPgliteBackend(dataDir: string, migrationsFolder?: string): Promise<Backend> {
  const directory = resolve(dataDir);
  await mkdir(directory, { recursive: true }); // PGlite creates only the last path segment
  const pglite = await PGlite.create({ dataDir: directory });
  try {
    if (migrationsFolder) await migrate(drizzle(pglite), { migrationsFolder });
  } catch (error) {
    await pglite.close();
    throw error;
  }
  // PGlite's session time zone is UTC, so timestamptz text matches Neon's.
  const pool = new pg.Pool({
    ...createPgConfig(pglite),
    max: 1,
    idleTimeoutMillis: 0, // keep the one client; PGlite has no other to reconnect to
    types: textOutputTypes,
  });
  return {
    kind: 'pglite',
    pool,
    pglite,
    async close() {
      await pool.end();
      await pglite.close(); // flushes the data directory
    },
  };
}
