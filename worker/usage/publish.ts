import { withDatabase } from '../db/client.ts';
import { ingestUsageEvents } from '../db/usage-events.ts';
import type { UsageEventMessage } from './usage-event.ts';
import { errorFields } from '../log-error.ts';

/**
 * Puts usage events on the `usage-events` queue; if the queue refuses them, writes them straight
 * to Postgres instead. Throws only when both fail, so the caller keeps the events and tries again.
 */
export async function publishUsage(
  env: Pick<Env, 'USAGE_EVENTS' | 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>,
  events: UsageEventMessage[],
) {
  if (events.length === 0) return;
  try {
    await env.USAGE_EVENTS.sendBatch(events.map((body) => ({ body, contentType: 'json' as const })));
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'warn',
        msg: 'usage queue unavailable, writing directly',
        events: events.length,
        ...errorFields(error),
      }),
    );
    await withDatabase(env, (db) => ingestUsageEvents(db, events));
  }
}
