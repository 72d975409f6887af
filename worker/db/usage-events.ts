import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import {
  deadLetters,
  profiles,
  refusalsDaily,
  replyTimings,
  siteRefusalsDaily,
  usageEvents,
} from '../../drizzle/schema.ts';
import { type Db, transaction } from './client.ts';

/** A usage event as it is written: the row, with the time it happened as an ISO string (as queued). */
export type UsageEventRecord = Omit<typeof usageEvents.$inferInsert, 'occurredAt' | 'createdAt'> & {
  occurredAt: string;
};

/** A reply's timings as written (its time as an ISO string, as queued). */
export type ReplyTimingRecord = Omit<typeof replyTimings.$inferInsert, 'occurredAt' | 'createdAt'> & {
  occurredAt: string;
};
/** A refusal total as written: a user's refusals for one day, reason and subject type so far. */
export type RefusalCountRecord = Omit<typeof refusalsDaily.$inferInsert, 'updatedAt'>;
/** What one queue batch carries, by kind. */
/** A site's refusal total as written: its visitors' refusals for one day and reason so far. */
export type SiteRefusalCountRecord = Omit<typeof siteRefusalsDaily.$inferInsert, 'updatedAt'>;
/** What one queue batch carries, by kind (site refusals may be absent: batches from before they were counted). */
export type QueueRecords = {
  usage: UsageEventRecord[];
  timings: ReplyTimingRecord[];
  refusals: RefusalCountRecord[];
  siteRefusals?: SiteRefusalCountRecord[];
};

/**
 * Writes a batch of usage events in one transaction. Delivery is at least once, so the event id is
 * the primary key and a redelivered event is skipped. Profiles are created lazily (on a user's
 * first request or a room's first flush), so an event may arrive first: its owner's profile is
 * created here, ahead of the events that reference it.
 */
export async function ingestUsageEvents(db: Db, events: UsageEventRecord[]) {
  await ingestQueueBatch(db, { usage: events, timings: [], refusals: [] });
}

/**
 * Writes what a queue batch carries in one transaction: usage events (as above), reply timings
 * (skipped when already written: their id is the reply's) and refusal counts (the larger total
 * wins, so a redelivered or late count never lowers or doubles one).
 */
export async function ingestQueueBatch(db: Db, batch: QueueRecords) {
  const { usage, timings, refusals, siteRefusals = [] } = batch;
  const statements = (q: Db): BatchItem<'pg'>[] => {
    const owners = [...new Set(usage.map((event) => event.userId))];
    return [
      ...(usage.length === 0
        ? []
        : [
            q
              .insert(profiles)
              .values(owners.map((id) => ({ id })))
              .onConflictDoNothing({ target: profiles.id }),
            q
              .insert(usageEvents)
              .values(usage.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })))
              .onConflictDoNothing({ target: usageEvents.id }),
          ]),
      ...(timings.length === 0
        ? []
        : [
            q
              .insert(replyTimings)
              .values(timings.map((timing) => ({ ...timing, occurredAt: new Date(timing.occurredAt) })))
              .onConflictDoNothing({ target: replyTimings.id }),
          ]),
      ...(refusals.length === 0
        ? []
        : [
            q
              .insert(refusalsDaily)
              .values(largestCounts(refusals))
              .onConflictDoUpdate({
                target: [refusalsDaily.userId, refusalsDaily.day, refusalsDaily.reason, refusalsDaily.subjectType],
                set: { count: sql`greatest(${refusalsDaily.count}, excluded.count)`, updatedAt: sql`now()` },
                setWhere: sql`excluded.count > ${refusalsDaily.count}`,
              }),
          ]),
      ...(siteRefusals.length === 0
        ? []
        : [
            q
              .insert(siteRefusalsDaily)
              .values(largest(siteRefusals, (c) => `${c.siteId}/${c.day}/${c.reason}`))
              .onConflictDoUpdate({
                target: [siteRefusalsDaily.siteId, siteRefusalsDaily.day, siteRefusalsDaily.reason],
                set: { count: sql`greatest(${siteRefusalsDaily.count}, excluded.count)`, updatedAt: sql`now()` },
                setWhere: sql`excluded.count > ${siteRefusalsDaily.count}`,
              }),
          ]),
    ];
  };
  if (usage.length + timings.length + refusals.length + siteRefusals.length === 0) return;
  await transaction(db, (q) => statements(q) as [BatchItem<'pg'>, ...BatchItem<'pg'>[]]);
}

export type UnreadableLetter = { messageId: string; queue: string; reason: string; body: unknown };

/**
 * Replays dead letters in one transaction: the usage events among them (idempotent by event id, as
 * above) and, for the rest, the letters themselves (idempotent by message id), so none is lost
 * when the queue's retention ends.
 */
export async function ingestDeadLetters(db: Db, messages: QueueRecords, unreadable: UnreadableLetter[]) {
  await ingestQueueBatch(db, messages);
  if (unreadable.length === 0) return;
  await db
    .insert(deadLetters)
    .values(unreadable.map((letter) => ({ ...letter, body: letter.body ?? null })))
    .onConflictDoNothing({ target: deadLetters.messageId });
}

function largestCounts(refusals: RefusalCountRecord[]) {
  return largest(refusals, (count) => `${count.userId}/${count.day}/${count.reason}/${count.subjectType}`);
}

/** One row per key, its largest total: one insert may not update the same row twice. */
function largest<T extends { count: number }>(counts: T[], keyOf: (count: T) => string): T[] {
  const kept = new Map<string, T>();
  for (const count of counts) {
    const key = keyOf(count);
    if ((kept.get(key)?.count ?? 0) < count.count) kept.set(key, count);
  }
  return [...kept.values()];
}
