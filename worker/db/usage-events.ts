import { deadLetters, profiles, usageEvents } from '../../drizzle/schema.ts';
import { type Db, transaction } from './client.ts';

/** A usage event as it is written: the row, with the time it happened as an ISO string (as queued). */
export type UsageEventRecord = Omit<typeof usageEvents.$inferInsert, 'occurredAt' | 'createdAt'> & {
  occurredAt: string;
};

/**
 * Writes a batch of usage events in one transaction. Delivery is at least once, so the event id is
 * the primary key and a redelivered event is skipped. Profiles are created lazily (on a user's
 * first request or a room's first flush), so an event may arrive first: its owner's profile is
 * created here, ahead of the events that reference it.
 */
export async function ingestUsageEvents(db: Db, events: UsageEventRecord[]) {
  if (events.length === 0) return;
  const owners = [...new Set(events.map((event) => event.userId))];
  await transaction(db, (q) => [
    q
      .insert(profiles)
      .values(owners.map((id) => ({ id })))
      .onConflictDoNothing({ target: profiles.id }),
    q
      .insert(usageEvents)
      .values(events.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })))
      .onConflictDoNothing({ target: usageEvents.id }),
  ]);
}

export type UnreadableLetter = { messageId: string; queue: string; reason: string; body: unknown };

/**
 * Replays dead letters in one transaction: the usage events among them (idempotent by event id, as
 * above) and, for the rest, the letters themselves (idempotent by message id), so none is lost
 * when the queue's retention ends.
 */
export async function ingestDeadLetters(db: Db, events: UsageEventRecord[], unreadable: UnreadableLetter[]) {
  await ingestUsageEvents(db, events);
  if (unreadable.length === 0) return;
  await db
    .insert(deadLetters)
    .values(unreadable.map((letter) => ({ ...letter, body: letter.body ?? null })))
    .onConflictDoNothing({ target: deadLetters.messageId });
}
