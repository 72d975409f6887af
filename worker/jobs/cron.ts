import { withDatabase, type DatabaseEnv } from '../db/client.ts';
import { recordCronRun } from '../db/cron-runs.ts';
import { errorFields } from '../log-error.ts';
import { log } from '../log.ts';

/** A cron job: does its work and says what it did (merged into its log line). */
export type CronJob<E> = { name: string; run: (env: E) => Promise<Record<string, unknown>> };

/**
 * Runs a cron's jobs (`jobs`, keyed by the expressions in the Worker's [triggers]) one after
 * another, one log line each and one row in cron_runs (the operators' health view); fails if any
 * failed, after all have run. A cron with no job is only logged. Each Worker (the chat Worker, the
 * billing Worker) passes its own table.
 */
export async function runCron<E extends DatabaseEnv>(
  jobs: Record<string, CronJob<E>[]>,
  controller: ScheduledController,
  env: E,
) {
  const scheduledTime = new Date(controller.scheduledTime).toISOString();
  const cronJobs = jobs[controller.cron];
  if (!cronJobs) {
    log.info('cron', { cron: controller.cron, scheduledTime });
    return;
  }
  const failures: unknown[] = [];
  for (const job of cronJobs) {
    const startedAt = new Date();
    let outcome: Record<string, unknown>;
    let ok = true;
    try {
      outcome = await job.run(env);
      log.info('cron job done', {
        job: job.name,
        cron: controller.cron,
        scheduledTime,
        ...outcome,
        ms: msSince(startedAt),
      });
    } catch (error) {
      failures.push(error);
      ok = false;
      outcome = { ...errorFields(error) };
      log.error(
        'cron job failed',
        { job: job.name, cron: controller.cron, scheduledTime, ms: msSince(startedAt) },
        error,
      );
    }
    await noteRun(env, {
      job: job.name,
      cron: controller.cron,
      startedAt,
      durationMs: msSince(startedAt),
      ok,
      outcome,
    });
  }
  if (failures.length > 0)
    throw new AggregateError(failures, `cron ${controller.cron}: ${failures.length} job(s) failed`);
}

const msSince = (start: Date) => Date.now() - start.getTime();

/** Best effort: a run not recorded (Postgres away, as its job likely found too) is only logged. */
async function noteRun(env: DatabaseEnv, run: Parameters<typeof recordCronRun>[1]) {
  try {
    await withDatabase(env, (db) => recordCronRun(db, run));
  } catch (error) {
    log.warn('cron run not recorded', { job: run.job }, error);
  }
}
