// Writes a room's outbox to Postgres: every pending change in order, one `db.batch` (one
// transaction, one round trip) per flush, then the usage events to the queue. Writes are upserts
// keyed by ids, so a flush repeated after a crash changes nothing; rows leave the outbox only once
// their write has landed, so nothing is dropped.
import { createDb } from '../worker/db/client.ts';
import { deleteConversation, upsertConversation, upsertMessage } from '../worker/db/conversations.ts';
import type { BatchItem } from 'drizzle-orm/batch';
import { publishUsage } from '../worker/usage/publish.ts';
import type { OutboxRow, RoomStore } from './room-store.ts';

/** Changes per round trip: a long outage can leave many; each flush sends them in slices this size. */
const ROWS_PER_BATCH = 200;

type FlushEnv = Pick<Env, 'USAGE_EVENTS' | 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>;

/** Sends everything pending. Throws when Postgres (or, for usage, both queue and Postgres) cannot be reached; what was not written stays. */
export async function flushOutbox(store: RoomStore, env: FlushEnv): Promise<void> {
  for (;;) {
    const rows = store.pendingChanges(ROWS_PER_BATCH);
    if (rows.length === 0) return;
    const usage = rows.filter((row) => row.change.kind === 'usage');
    const writes = rows.filter((row) => row.change.kind !== 'usage');
    const landed: OutboxRow[] = [];
    try {
      if (writes.length > 0) {
        const db = createDb(env);
        const [first, ...rest] = statements(store, db, writes);
        if (first) await db.batch([first, ...rest]);
        landed.push(...writes);
      }
      // After the conversation's own writes: billing never runs ahead of the messages it bills.
      if (usage.length > 0) {
        await publishUsage(env, usage.flatMap((row) => (row.change.kind === 'usage' ? [row.change.event] : [])));
        landed.push(...usage);
      }
    } finally {
      store.settle(landed);
    }
    if (rows.length < ROWS_PER_BATCH) return;
  }
}

/**
 * The conversation as it is now always goes first (with its owner's profile), so every message
 * finds the rows its foreign keys need, whatever order earlier flushes landed in.
 */
function statements(store: RoomStore, db: ReturnType<typeof createDb>, rows: OutboxRow[]): BatchItem<'pg'>[] {
  const out: BatchItem<'pg'>[] = [];
  const current = store.conversation();
  if (current && !current.deleted) {
    const { deleted: _deleted, ownerEmail, ...conversation } = current;
    out.push(...upsertConversation(db, conversation, ownerEmail));
  }
  for (const { change } of rows) {
    if (change.kind === 'message') out.push(upsertMessage(db, change.message));
    if (change.kind === 'delete') out.push(deleteConversation(db, change.conversationId));
  }
  return out;
}
