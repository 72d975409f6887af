// Runs a parsed request on a pooled connection the way Neon's proxy does: one statement through
// the extended protocol (so one command per statement), a batch as one transaction.
import type { Pool, PoolClient, QueryArrayConfig } from 'pg';
import type { SqlRequest, Statement, TransactionOptions } from './request.ts';
import { toNeonResult, type NeonResult } from './response.ts';
import { refuseUnsafeStatement } from './guard.ts';

export type ExecuteResult = NeonResult | { results: NeonResult[] };

/**
 * Throws Postgres errors as they come; the caller turns them into Neon's 400 response. A request
 * with a statement the gateway refuses (guard.ts) is refused whole, before anything runs.
 */
export async function executeSqlRequest(pool: Pool, request: SqlRequest): Promise<ExecuteResult> {
  for (const statement of request.kind === 'single' ? [request.statement] : request.statements)
    refuseUnsafeStatement(statement.query);
  const client = await pool.connect();
  try {
    if (request.kind === 'single') return await runStatement(client, request.statement);
    await client.query(beginStatement(request.transaction));
    const results: NeonResult[] = [];
    for (const statement of request.statements) results.push(await runStatement(client, statement));
    await client.query('COMMIT');
    return { results };
  } finally {
    await releaseClean(client);
  }
}

async function runStatement(client: PoolClient, statement: Statement): Promise<NeonResult> {
  // queryMode 'extended' makes pg parse/bind even without params, as Neon's proxy always does;
  // @types/pg does not declare it yet.
  const config: QueryArrayConfig & { queryMode: 'extended' } = {
    text: statement.query,
    values: statement.params,
    rowMode: 'array',
    queryMode: 'extended',
  };
  const result = await client.query<(string | null)[]>(config);
  return toNeonResult(result, statement.arrayMode);
}

function beginStatement({ isolationLevel, readOnly, deferrable }: TransactionOptions): string {
  const modes = [
    isolationLevel && `ISOLATION LEVEL ${isolationLevel}`,
    readOnly && 'READ ONLY',
    deferrable && 'DEFERRABLE',
  ].filter(Boolean);
  return ['BEGIN', modes.join(', ')].join(' ').trim();
}

/**
 * Requests must not see each other's session state (Neon promises none across requests), and
 * PGlite has one connection shared by every request: a failed batch's open transaction, a stray
 * BEGIN or a session SET must not leak into the next request. The client always goes back to the pool: destroying
 * PGlite's one client would leave the pool unable to reconnect, and pg-pool drops a Postgres
 * client whose connection has died by itself.
 */
async function releaseClean(client: PoolClient): Promise<void> {
  try {
    if (client.getTransactionStatus() !== 'I') await client.query('ROLLBACK');
    await client.query('DISCARD ALL');
  } catch (error) {
    console.error(`db gateway: could not reset the session: ${(error as Error).message}`);
  } finally {
    client.release();
  }
}
