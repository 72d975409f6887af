// Each cron job's last run, as the database owner: written after every run (worker/jobs/cron.ts),
// read by the operators' health view. One row per job, replaced by its next run.
import { sql } from 'drizzle-orm';
import { cronRuns } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';

export type CronRun = typeof cronRuns.$inferSelect;

export async function recordCronRun(db: Db, run: CronRun): Promise<void> {
  await db
    .insert(cronRuns)
    .values(run)
    .onConflictDoUpdate({
      target: cronRuns.job,
      set: {
        cron: run.cron,
        startedAt: run.startedAt,
        durationMs: run.durationMs,
        ok: run.ok,
        outcome: run.outcome,
      },
      // A run that started earlier (two Workers' crons racing, a retry) never replaces a later one.
      setWhere: sql`${cronRuns.startedAt} <= excluded.started_at`,
    });
}
