import { withDatabase } from '../db/client.ts';
import { ingestQueueBatch } from '../db/usage-events.ts';
import { parseQueueMessage, sortQueueMessages, type QueueMessage } from '../usage/queue-message.ts';
import { log } from '../log.ts';

/** What the consumer puts on `usage-events-dlq`: the original body, and why and whence it was refused. */
export type DeadLetter = {
  deadLetter: { queue: string; messageId: string; attempts: number; reason: string; at: string };
  body: unknown;
};

// Doubling from 10 s, capped at 15 min: with max_retries = 10 (wrangler.toml) a batch waits out
// about an hour of Postgres being away before Cloudflare gives up on it.
const RETRY_BASE_SECONDS = 10;
const RETRY_MAX_SECONDS = 15 * 60;

/** How long a batch waits before its next delivery, growing with how often it has been tried, up to `maxSeconds`. */
export function retryDelaySeconds(attempts: number, maxSeconds = RETRY_MAX_SECONDS) {
  return Math.min(RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1), maxSeconds);
}

/**
 * The `usage-events` consumer (usage events, reply timings, refusal counts), robust per message. A malformed message goes to the dead-letter
 * queue at once, with its reason, and is acked: no retry can fix it, and it must not hold back the
 * valid ones. The valid ones are written in one transaction; if that fails (Postgres away), the
 * batch is retried with a growing delay. Redelivered events are skipped by their id.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env) {
  const valid: QueueMessage[] = [];
  const malformed: Array<{ message: Message<unknown>; reason: string }> = [];
  for (const message of batch.messages) {
    const parsed = parseQueueMessage(message.body);
    if (parsed.success) valid.push(parsed.data);
    else
      malformed.push({
        message,
        reason: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
      });
  }
  await Promise.all(malformed.map(({ message, reason }) => deadLetter(env, batch.queue, message, reason)));

  try {
    await withDatabase(env, (db) => ingestQueueBatch(db, sortQueueMessages(valid)));
  } catch (error) {
    // Messages already acked (dead-lettered) keep their ack: a message's own call wins over the batch's.
    retryBatchLater(batch, error, 'usage events not written, batch retried', { events: valid.length });
    return;
  }
  batch.ackAll();
}

/**
 * Postgres (or whatever the batch waits on) failed: the whole batch comes back after a delay that
 * grows with its attempts (capped at `maxDelaySeconds`), logged once with why.
 */
export function retryBatchLater(
  batch: MessageBatch<unknown>,
  error: unknown,
  msg: string,
  details: Record<string, unknown> = {},
  maxDelaySeconds = RETRY_MAX_SECONDS,
) {
  const attempts = Math.max(...batch.messages.map((message) => message.attempts));
  const delaySeconds = retryDelaySeconds(attempts, maxDelaySeconds);
  log.error(msg, { queue: batch.queue, ...details, attempts, delaySeconds }, error);
  batch.retryAll({ delaySeconds });
}

/** Sends one message to the dead-letter queue with its reason and acks it; if the DLQ refuses, retries it, so Cloudflare moves it there after max_retries. */
async function deadLetter(env: Env, queue: string, message: Message<unknown>, reason: string) {
  const letter: DeadLetter = {
    deadLetter: { queue, messageId: message.id, attempts: message.attempts, reason, at: new Date().toISOString() },
    body: message.body,
  };
  try {
    await env.USAGE_EVENTS_DLQ.send(letter, { contentType: 'json' });
    message.ack();
    log.warn('usage event dead-lettered', { queue, messageId: message.id, attempts: message.attempts, reason });
  } catch (error) {
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    log.error('usage event malformed, dead-letter queue refused it', { queue, messageId: message.id, reason }, error);
  }
}
