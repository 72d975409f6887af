import * as z from 'zod';
import { usageEvents, SUBJECT_TYPES } from '../../drizzle/schema.ts';
import type { Db } from '../db/client.ts';

/** What producers put on the `usage-events` queue: one billable reply. */
export const usageEventMessage = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  subjectType: z.enum(SUBJECT_TYPES),
  subjectId: z.string().min(1),
  conversationId: z.uuid().nullish(),
  messageId: z.uuid().nullish(),
  model: z.string().min(1),
  provider: z.string().min(1),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative().default(0),
  costUsd: z.string().regex(/^\d+(\.\d+)?$/),
  occurredAt: z.iso.datetime(),
});
export type UsageEventMessage = z.infer<typeof usageEventMessage>;

/**
 * Writes a batch of usage events in one statement. Delivery is at least once, so the event id is
 * the primary key and a redelivered event is skipped.
 */
export async function ingestUsageEvents(db: Db, events: UsageEventMessage[]) {
  if (events.length === 0) return;
  await db
    .insert(usageEvents)
    .values(events.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })))
    .onConflictDoNothing({ target: usageEvents.id });
}
