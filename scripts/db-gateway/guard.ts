// What the development gateway refuses to run, and how long it lets a statement run. Parley's
// code sends Drizzle's parameterised DML and the migrations' DDL; nothing it does reads or writes
// the database server's files or starts programs there, so statements that do are refused before
// they reach Postgres (one `COPY … TO PROGRAM` hung PGlite until restart), with an error shaped as
// Postgres's own so the driver raises a NeonDbError with its SQLSTATE.
import type { PostgresError } from './response.ts';

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

const REFUSED: { pattern: RegExp; what: string }[] = [
  {
    pattern: /\bcopy\b[\s\S]*\b(?:to|from)\s+program\b/i,
    what: 'COPY … PROGRAM (runs a program on the database server)',
  },
  // COPY to or from a file names it as a literal; to STDOUT / from STDIN is not a file.
  {
    pattern: /\bcopy\b[\s\S]*\b(?:to|from)\s+(?:e?'|\$)/i,
    what: "COPY … TO/FROM a file (reads or writes the database server's files)",
  },
  {
    pattern:
      /\b(?:pg_read_file|pg_read_binary_file|pg_stat_file|pg_ls_\w*dir|lo_import|lo_export|pg_file_\w+|dblink\w*)\s*\(/i,
    what: "a function that reads the database server's files or reaches other servers",
  },
  { pattern: /\bcreate\s+(?:or\s+replace\s+)?(?:trusted\s+)?(?:procedural\s+)?language\b/i, what: 'CREATE LANGUAGE' },
  { pattern: /\bcreate\s+(?:foreign\s+data\s+wrapper|server)\b/i, what: 'foreign data wrappers and servers' },
  { pattern: /\balter\s+system\b/i, what: 'ALTER SYSTEM' },
];

function postgresError(message: string, code: string, hint?: string): PostgresError {
  return Object.assign(new Error(message), { severity: 'ERROR', code, ...(hint ? { hint } : {}) });
}

/** Throws a Postgres-shaped 42501 for a statement no application path sends. */
export function refuseUnsafeStatement(query: string): void {
  for (const { pattern, what } of REFUSED) {
    if (pattern.test(query)) {
      throw postgresError(
        `permission denied: the development database gateway refuses ${what}`,
        '42501',
        'No Parley code path needs it; run it with psql against the database if you really mean to.',
      );
    }
  }
}

/** GATEWAY_STATEMENT_TIMEOUT_MS: milliseconds, 0 for none; unset: 30 s. */
export function parseStatementTimeoutMs(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_STATEMENT_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(
      `GATEWAY_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds (0: no limit), got '${value}'`,
    );
  return ms;
}
