// Parley's health at a glance, for operators: whether Postgres answers, the dead letters no code
// could count (worker/jobs/dead-letters.ts keeps them), and each cron job's last run and outcome.
// With Postgres away it says so (database: down) instead of failing the page.
import { asc, sql } from 'drizzle-orm';
import { cronRuns } from '../../drizzle/schema.ts';
import { asOperator } from '../db/as-operator.ts';
import type { Db } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { log } from '../log.ts';
import { VERSION } from '../version.ts';

export type OpsHealth = {
  version: string;
  database: 'up' | 'down';
  deadLetters: { count: number; oldest: string | null } | null;
  crons: Array<{
    job: string;
    cron: string;
    startedAt: string;
    durationMs: number;
    ok: boolean;
    outcome: Record<string, unknown> | null;
  }>;
};

export async function opsHealth(db: Db): Promise<OpsHealth> {
  try {
    const [letters, runs] = await asOperator(db, (q) => [
      q.execute<{ count: number; oldest: Date | string | null }>(
        sql`select count(*)::int as count, min(received_at) as oldest from dead_letters`,
      ),
      q.select().from(cronRuns).orderBy(asc(cronRuns.job)),
    ]);
    const { count = 0, oldest = null } = letters.rows[0] ?? {};
    return {
      version: VERSION,
      database: 'up',
      // Over HTTP a timestamptz in a raw query comes back as text, over TCP as a Date.
      deadLetters: { count, oldest: oldest === null ? null : new Date(oldest).toISOString() },
      crons: runs.map((run) => ({ ...run, startedAt: run.startedAt.toISOString() })),
    };
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    log.warn('ops health: database unreachable', {}, error);
    return { version: VERSION, database: 'down', deadLetters: null, crons: [] };
  }
}
