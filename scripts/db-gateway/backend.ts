// What the HTTP server needs from a database backend: a pg Pool (PGlite is reached through its
// node-postgres adapter, so both backends speak the real wire protocol) and a way to close it.
import type { PGlite } from '@electric-sql/pglite';
import type { CustomTypesConfig, Pool } from 'pg';

export type Backend = {
  kind: 'pglite' | 'postgres';
  pool: Pool;
  /** The embedded database itself, which the wire server (wire-server.ts) also serves. */
  pglite?: PGlite;
  close(): Promise<void>;
};

/**
 * Every value stays the text Postgres printed: the gateway forwards text, and the Neon driver
 * parses it by dataTypeID. Set per pool, never per query: PGlite's adapter mistakes a per-query
 * `types` for the Parse message's parameter types and throws.
 */
export const textOutputTypes = {
  getTypeParser: () => (value: string) => value,
} as unknown as CustomTypesConfig;
