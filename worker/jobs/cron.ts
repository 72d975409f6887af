import { log } from '../log.ts';

/** A cron job: does its work and says what it did (merged into its log line). */
export type CronJob<E> = { name: string; run: (env: E) => Promise<Record<string, unknown>> };

/**
 * Runs a cron's jobs (`jobs`, keyed by the expressions in the Worker's [triggers]) one after
 * another, one log line each; fails if any failed, after all have run. A cron with no job is only
 * logged. Each Worker (the chat Worker, the billing Worker) passes its own table.
 */
export async function runCron<E>(jobs: Record<string, CronJob<E>[]>, controller: ScheduledController, env: E) {
  const scheduledTime = new Date(controller.scheduledTime).toISOString();
  const cronJobs = jobs[controller.cron];
  if (!cronJobs) {
    log.info('cron', { cron: controller.cron, scheduledTime });
    return;
  }
  const failures: unknown[] = [];
  for (const job of cronJobs) {
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
        { job: job.name, cron: controller.cron, scheduledTime, ms: Date.now() - started },
        error,
      );
    }
  }
  if (failures.length > 0)
    throw new AggregateError(failures, `cron ${controller.cron}: ${failures.length} job(s) failed`);
}
