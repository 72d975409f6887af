// The `usage-events-dlq` consumer: replays dead letters into Postgres, so usage parked there (a
// batch Cloudflare gave up on after an hour of Postgres being away, or a message the consumer
// refused) is counted and billed before the queue's retention ends. Each letter is a usage event
// (as Cloudflare moves it), or the consumer's own envelope around a body it refused; a body that
// reads as a usage event now (the producer's bug since fixed) is ingested, the rest is kept in
// `dead_letters` for an operator. Everything is idempotent: replaying a letter twice counts it once.
import { withDatabase } from '../db/client.ts';
import { ingestDeadLetters, type UnreadableLetter } from '../db/usage-events.ts';
import { parseQueueMessage, sortQueueMessages, type QueueMessage } from '../usage/queue-message.ts';
import { retryBatchLater, type DeadLetter } from './queue.ts';
import { log } from '../log.ts';

/** Postgres away: the batch comes back after a delay doubling from 10 s to an hour; max_retries 100 (wrangler.toml) spans about four days, the queue's default retention. */
const MAX_DELAY_SECONDS = 60 * 60;

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env) {
  const events: QueueMessage[] = [];
  const unreadable: UnreadableLetter[] = [];
  for (const message of batch.messages) {
    const envelope = isDeadLetter(message.body) ? message.body : undefined;
    const parsed = parseQueueMessage(envelope ? envelope.body : message.body);
    if (parsed.success) events.push(parsed.data);
    else
      unreadable.push({
        messageId: envelope?.deadLetter.messageId ?? message.id,
        queue: envelope?.deadLetter.queue ?? batch.queue,
        reason: envelope?.deadLetter.reason ?? parsed.error.issues.map((i) => i.message).join('; '),
        body: envelope ? envelope.body : message.body,
      });
  }
  try {
    await withDatabase(env, (db) => ingestDeadLetters(db, sortQueueMessages(events), unreadable));
  } catch (error) {
    retryBatchLater(batch, error, 'dead letters not replayed, batch retried', {}, MAX_DELAY_SECONDS);
    return;
  }
  batch.ackAll();
  log.info('dead letters replayed', { queue: batch.queue, messages: events.length, kept: unreadable.length });
}

function isDeadLetter(body: unknown): body is DeadLetter {
  return typeof body === 'object' && body !== null && 'deadLetter' in body && typeof body.deadLetter === 'object';
}
