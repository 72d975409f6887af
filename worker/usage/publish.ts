import { withDatabase } from '../db/client.ts';
import { ingestQueueBatch } from '../db/usage-events.ts';
import { sortQueueMessages, type QueueMessage } from './queue-message.ts';
import { log } from '../log.ts';

/**
 * Puts usage events (and reply timings, refusal counts) on the `usage-events` queue; if the queue refuses them, writes them straight
 * to Postgres instead. Throws only when both fail, so the caller keeps the events and tries again.
 */
export async function publishUsage(
  env: Pick<Env, 'USAGE_EVENTS' | 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>,
  events: QueueMessage[],
) {
  if (events.length === 0) return;
  try {
    await env.USAGE_EVENTS.sendBatch(events.map((body) => ({ body, contentType: 'json' as const })));
  } catch (error) {
    log.warn('usage queue unavailable, writing directly', { events: events.length }, error);
    await withDatabase(env, (db) => ingestQueueBatch(db, sortQueueMessages(events)));
  }
}
