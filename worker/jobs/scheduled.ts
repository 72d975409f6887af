import { withDatabase } from '../db/client.ts';
import { aggregateUsage } from './aggregate-usage.ts';
import { meterUsage } from './meter-usage.ts';
import { sendQuotaWarnings } from './quota-warnings.ts';
import { log } from '../log.ts';

/** A cron job: does its work and says what it did (merged into its log line). */
type Job = { name: string; run: (env: Env) => Promise<Record<string, unknown>> };

// Keyed by the expressions in wrangler.toml's [triggers]. A cron with no job is only logged; a
// job is one entry here.
const JOBS: Record<string, Job[]> = {
  '0 * * * *': [{ name: 'aggregate-usage', run: (env) => withDatabase(env, aggregateUsage) }],
  '30 0 1 * *': [{ name: 'meter-usage', run: (env) => withDatabase(env, (db) => meterUsage(db, env)) }],
  '0 8 * * *': [{ name: 'quota-warnings', run: (env) => withDatabase(env, (db) => sendQuotaWarnings(db, env)) }],
};

/** Cron entry: runs the cron's jobs one after another, one log line each; fails if any failed, after all have run. */
export async function handleScheduled(controller: ScheduledController, env: Env) {
  const scheduledTime = new Date(controller.scheduledTime).toISOString();
  const jobs = JOBS[controller.cron];
  if (!jobs) {
    log.info('cron', { cron: controller.cron, scheduledTime });
    return;
  }
  const failures: unknown[] = [];
  for (const job of jobs) {
    const started = Date.now();
    try {
      const outcome = await job.run(env);
      log.info('cron job done', {
        job: job.name,
        cron: controller.cron,
        scheduledTime,
        ...outcome,
        ms: Date.now() - started,
      });
    } catch (error) {
      failures.push(error);
      log.error(
        'cron job failed',
        {
          job: job.name,
          cron: controller.cron,
          scheduledTime,
          ms: Date.now() - started,
        },
        error,
      );
    }
  }
  if (failures.length > 0)
    throw new AggregateError(failures, `cron ${controller.cron}: ${failures.length} job(s) failed`);
}
