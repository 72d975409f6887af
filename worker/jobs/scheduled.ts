import { withDatabase } from '../db/client.ts';
import { aggregateSiteUsage, aggregateUsage } from './aggregate-usage.ts';
import { aggregateTimings } from './aggregate-timings.ts';
import { sendQuotaWarnings } from './quota-warnings.ts';
import { runCron, type CronJob } from './cron.ts';
import { eraseExpiredVisitorConversations } from '../sites/visitor-data.ts';
import { sweepFiles } from './file-sweep.ts';

// Keyed by the expressions in wrangler.toml's [triggers]; a job is one entry here. The monthly
// meter report to Stripe is the billing Worker's own cron (billing/index.ts).
const JOBS: Record<string, CronJob<Env>[]> = {
  '0 * * * *': [
    { name: 'aggregate-usage', run: (env) => withDatabase(env, aggregateUsage) },
    { name: 'aggregate-site-usage', run: (env) => withDatabase(env, aggregateSiteUsage) },
    { name: 'aggregate-timings', run: (env) => withDatabase(env, aggregateTimings) },
    // Sites' retention of their visitors' conversations (worker/sites/visitor-data.ts).
    {
      name: 'visitor-retention',
      run: (env) => withDatabase(env, (db) => eraseExpiredVisitorConversations(env, db, new Date())),
    },
    // Uploads never attached after a day, and R2 objects nothing knows (worker/jobs/file-sweep.ts).
    { name: 'file-sweep', run: (env) => withDatabase(env, (db) => sweepFiles(env, db, new Date())) },
  ],
  '0 8 * * *': [{ name: 'quota-warnings', run: (env) => withDatabase(env, (db) => sendQuotaWarnings(db, env)) }],
};

/** Cron entry: runs the cron's jobs (see runCron). */
export function handleScheduled(controller: ScheduledController, env: Env) {
  return runCron(JOBS, controller, env);
}
