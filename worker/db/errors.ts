const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Postgres could not be reached, or the connection was lost before it answered (either transport). */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super(`the database could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The first error in the cause chain that carries an SQLSTATE `code`: Postgres answered and refused. */
export function postgresError(error: unknown): (Error & { code: string }) | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code } = e as Error & { code?: unknown };
    if (typeof code === 'string' && SQLSTATE.test(code)) return e as Error & { code: string };
  }
  return undefined;
}

/**
 * True when an error means Postgres could not be reached or did not answer (as opposed to a
 * query Postgres refused, which carries an SQLSTATE `code`). Neon's driver reports both as
 * NeonDbError; over Hyperdrive the db module raises DatabaseUnavailableError; Drizzle wraps
 * either in a DrizzleQueryError. The cause chain tells them apart.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (postgresError(error)) return false;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DatabaseUnavailableError || e.name === 'NeonDbError') return true;
  }
  return false;
}

/** A failure of the TCP transport as the HTTP one reports it: Postgres's own error when it answered, else DatabaseUnavailableError. */
export function asDatabaseError(error: unknown): Error {
  if (error instanceof DatabaseUnavailableError) return error;
  return postgresError(error) ?? new DatabaseUnavailableError(error);
}
