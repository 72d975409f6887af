/**
 * True when an error means Postgres could not be reached or did not answer (as opposed to a
 * query Postgres refused, which carries an SQLSTATE `code`). Neon's driver reports both as
 * NeonDbError, and Drizzle wraps either in a DrizzleQueryError; the cause chain tells them apart.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'NeonDbError') return !(e as Error & { code?: string }).code;
  }
  return false;
}
