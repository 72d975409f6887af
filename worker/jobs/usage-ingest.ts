import * as z from 'zod';
import { profiles, usageEvents, SUBJECT_TYPES } from '../../drizzle/schema.ts';
import type { Db } from '../db/client.ts';

// Bounds of the columns the event lands in, so a value Postgres would refuse is caught here and
// dead-lettered on its own instead of failing (and retrying) the whole batch.
const INT4_MAX = 2_147_483_647;
const tokens = z.number().int().nonnegative().max(INT4_MAX);

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
  inputTokens: tokens,
  outputTokens: tokens,
  cachedTokens: tokens.default(0),
  // numeric(16, 8): at most 8 digits before the point (Postgres rounds extra decimals itself).
  costUsd: z.string().regex(/^\d{1,8}(\.\d+)?$/),
  occurredAt: z.iso.datetime(),
});
export type UsageEventMessage = z.infer<typeof usageEventMessage>;

/**
 * Writes a batch of usage events in one transaction. Delivery is at least once, so the event id is
 * the primary key and a redelivered event is skipped. Profiles are created lazily (on a user's
 * first request or a room's first flush), so an event may arrive first: its owner's profile is
 * created here, ahead of the events that reference it.
 */
export async function ingestUsageEvents(db: Db, events: UsageEventMessage[]) {
  if (events.length === 0) return;
  const owners = [...new Set(events.map((event) => event.userId))];
  await db.batch([
    db.insert(profiles).values(owners.map((id) => ({ id }))).onConflictDoNothing({ target: profiles.id }),
    db.insert(usageEvents)
      .values(events.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })))
      .onConflictDoNothing({ target: usageEvents.id }),
  ]);
}
