// What travels on the `usage-events` queue: usage events (the bill), reply timings and refusal
// counts (the operators' view), and site refusal counts (a site owner's). One reader for the consumer, the dead-letter replay and a
// producer's direct write, so every path accepts the same three kinds.
import type * as z from 'zod';
import { refusalCountMessage, type RefusalCountMessage } from './refusal-count.ts';
import { replyTimingMessage, type ReplyTimingMessage } from './reply-timing.ts';
import { siteRefusalCountMessage, type SiteRefusalCountMessage } from './site-refusal-count.ts';
import { usageEventMessage, type UsageEventMessage } from './usage-event.ts';

export type QueueMessage = UsageEventMessage | ReplyTimingMessage | RefusalCountMessage | SiteRefusalCountMessage;
import type { QueueRecords } from '../db/usage-events.ts';

/** Reads one message by its `kind` (a usage event has none: it came first). */
export function parseQueueMessage(body: unknown): z.ZodSafeParseResult<QueueMessage> {
  const kind = typeof body === 'object' && body !== null && 'kind' in body ? body.kind : undefined;
  if (kind === 'reply-timing') return replyTimingMessage.safeParse(body);
  if (kind === 'refusals') return refusalCountMessage.safeParse(body);
  if (kind === 'site-refusals') return siteRefusalCountMessage.safeParse(body);
  return usageEventMessage.safeParse(body);
}

/** A batch sorted by kind, as the db layer writes it. */
export function sortQueueMessages(messages: QueueMessage[]): QueueRecords {
  const batch: Required<QueueRecords> = { usage: [], timings: [], refusals: [], siteRefusals: [] };
  for (const message of messages) {
    if (!('kind' in message)) batch.usage.push(message);
    else if (message.kind === 'reply-timing') {
      const { kind: _, ...timing } = message;
      batch.timings.push(timing);
    } else if (message.kind === 'site-refusals') {
      const { kind: _, ...count } = message;
      batch.siteRefusals.push(count);
    } else {
      const { kind: _, ...count } = message;
      batch.refusals.push(count);
    }
  }
  return batch;
}
