// The `usage-events-dlq` consumer: replays dead letters into Postgres, so usage parked there (a
// batch Cloudflare gave up on after an hour of Postgres being away, or a message the consumer
// refused) is counted and billed before the queue's retention ends. Each letter is a usage event
// (as Cloudflare moves it), or the consumer's own envelope around a body it refused; a body that
// reads as a usage event now (the producer's bug since fixed) is ingested, the rest is kept in
// `dead_letters` for an operator. Everything is idempotent: replaying a letter twice counts it once.
import { withDatabase } from '../db/client.ts';
import { ingestDeadLetters, type UnreadableLetter } from '../db/usage-events.ts';
import { errorFields } from '../log-error.ts';
import { usageEventMessage, type UsageEventMessage } from '../usage/usage-event.ts';
import { retryDelaySeconds, type DeadLetter } from './queue.ts';

/** Postgres away: the batch waits and comes back; max_retries (wrangler.toml) outlasts the queue's retention. */
const MAX_DELAY_SECONDS = 60 * 60;

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env) {
  const events: UsageEventMessage[] = [];
  const unreadable: UnreadableLetter[] = [];
  for (const message of batch.messages) {
    const envelope = isDeadLetter(message.body) ? message.body : undefined;
    const parsed = usageEventMessage.safeParse(envelope ? envelope.body : message.body);
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
    await withDatabase(env, (db) => ingestDeadLetters(db, events, unreadable));
  } catch (error) {
    const attempts = Math.max(...batch.messages.map((message) => message.attempts));
    const delaySeconds = Math.min(retryDelaySeconds(attempts), MAX_DELAY_SECONDS);
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'dead letters not replayed, batch retried',
        queue: batch.queue,
        attempts,
        delaySeconds,
        ...errorFields(error),
      }),
    );
    batch.retryAll({ delaySeconds });
    return;
  }
  batch.ackAll();
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'dead letters replayed',
      queue: batch.queue,
      events: events.length,
      kept: unreadable.length,
    }),
  );
}

function isDeadLetter(body: unknown): body is DeadLetter {
  return typeof body === 'object' && body !== null && 'deadLetter' in body && typeof body.deadLetter === 'object';
}
