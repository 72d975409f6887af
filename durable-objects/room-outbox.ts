// Writes a room's outbox to Postgres: every pending change in order, one `db.batch` (one
// transaction, one round trip) per flush, then the usage events to the queue. Writes are upserts
// keyed by ids, so a flush repeated after a crash changes nothing; rows leave the outbox only once
// their write has landed, so nothing is dropped. One flush at a time; after a failure, retries back
// off from 1 s to a minute (the room's alarm runs them).
import { type Db, transaction, withDatabase } from '../worker/db/client.ts';
import { deleteConversation, deleteMessage, upsertConversation, upsertMessage } from '../worker/db/conversations.ts';
import type { BatchItem } from 'drizzle-orm/batch';
import { publishUsage } from '../worker/usage/publish.ts';
import { userLimiter } from '../worker/usage/limiters.ts';
import { attachFiles } from '../worker/db/files.ts';
import type { OutboxRow } from './room-outbox-table.ts';
import type { RoomStore } from './room-store.ts';
import { log } from '../worker/log.ts';
import { BacklogReporter } from '../worker/ops/backlog.ts';

/** Changes per round trip: a long outage can leave many; each flush sends them in slices this size. */
const ROWS_PER_BATCH = 200;
/** Retries back off from 1 s to this, for as long as Postgres does not answer. */
const MAX_RETRY_MS = 60_000;

type FlushEnv = Pick<Env, 'USAGE_EVENTS' | 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT' | 'BACKLOG' | 'LIMITER'>;

/**
 * Flushes a room's outbox one flush at a time, so an older state can never land after a newer
 * one (a call during a flush runs another after it), and says when to retry after a failure.
 */
export class OutboxWriter {
  /** When the next retry is due; undefined while Postgres answers. */
  retryAt: number | undefined;
  private readonly store: RoomStore;
  private readonly env: () => FlushEnv;
  private readonly afterFlush: () => Promise<void>;
  private flushing: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private retrying = false;
  /** Failing flushes, told to the operators' backlog. */
  private readonly backlog: BacklogReporter;

  /** `env` is read at each flush (the room's bindings as they are then); `afterFlush` runs after every flush, landed or not. */
  constructor(store: RoomStore, env: () => FlushEnv, afterFlush: () => Promise<void>) {
    this.store = store;
    this.env = env;
    this.afterFlush = afterFlush;
    this.backlog = new BacklogReporter(env, () => {
      const id = store.conversation()?.id;
      return id ? { source: `room:${id}`, kind: 'room' } : undefined;
    });
  }

  /** `retry`: this is the alarm's retry; only those escalate the backoff, so a send's flushes failing while Postgres is away never push the next retry out. */
  flush(options: { retry?: boolean } = {}): Promise<void> {
    if (options.retry) this.retrying = true;
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.again = false;
          await flushOutbox(this.store, this.env());
        } while (this.again);
        this.failures = 0;
        this.retryAt = undefined;
        this.backlog.landed();
        // A deleted conversation leaves nothing behind once Postgres has the deletion.
        if (this.store.conversation()?.deleted && !this.store.outbox.hasPending()) this.store.forget();
      } catch (error) {
        if (this.retryAt === undefined || this.retrying) this.failures++;
        const delay = Math.min(1000 * 2 ** (this.failures - 1), MAX_RETRY_MS);
        this.retryAt = Date.now() + delay;
        log.warn(
          'room: outbox not flushed, will retry',
          { conversationId: this.store.conversation()?.id, retryInMs: delay, failures: this.failures },
          error,
        );
        this.backlog.failing(this.store.outbox.pendingCount());
      } finally {
        this.flushing = undefined;
        this.retrying = false;
      }
      await this.afterFlush();
    })();
    return this.flushing;
  }
}

/** Sends everything pending. Throws when Postgres (or, for usage, both queue and Postgres) cannot be reached; what was not written stays. */
async function flushOutbox(store: RoomStore, env: FlushEnv): Promise<void> {
  for (;;) {
    const rows = store.outbox.pending(ROWS_PER_BATCH);
    if (rows.length === 0) return;
    const usage = rows.filter((row) => row.change.kind === 'usage');
    const releases = rows.filter((row) => row.change.kind === 'files-release');
    const writes = rows.filter((row) => row.change.kind !== 'usage' && row.change.kind !== 'files-release');
    const landed: OutboxRow[] = [];
    try {
      if (writes.length > 0) {
        await withDatabase(env, (db) =>
          transaction(db, (q) => {
            const [first, ...rest] = statements(store, q, writes);
            if (!first) throw new Error('outbox: writes without a statement');
            return [first, ...rest];
          }),
        );
        landed.push(...writes);
      }
      // After the conversation's own writes: billing never runs ahead of the messages it bills.
      if (usage.length > 0) {
        await publishUsage(
          env,
          usage.flatMap((row) => (row.change.kind === 'usage' ? [row.change.event] : [])),
        );
        landed.push(...usage);
      }
      // After the deletion has landed: the owner's Limiter deletes the files no other conversation carries.
      for (const row of releases) {
        if (row.change.kind !== 'files-release') continue;
        const { userId, conversationId } = row.change;
        await userLimiter(env, userId).releaseConversation(userId, conversationId);
        landed.push(row);
      }
    } finally {
      store.outbox.markLanded(landed);
    }
    if (rows.length < ROWS_PER_BATCH) return;
  }
}

/**
 * The conversation as it is now always goes first (with its owner's profile), so every message
 * finds the rows its foreign keys need, whatever order earlier flushes landed in.
 */
function statements(store: RoomStore, db: Db, rows: OutboxRow[]): BatchItem<'pg'>[] {
  const out: BatchItem<'pg'>[] = [];
  const current = store.conversation();
  if (current && !current.deleted) {
    const { deleted: _deleted, ownerEmail, ...conversation } = current;
    out.push(...upsertConversation(db, conversation, ownerEmail));
  }
  for (const { change } of rows) {
    if (change.kind === 'message') {
      out.push(upsertMessage(db, change.message));
      if (change.message.attachments?.length)
        out.push(...attachFiles(db, change.message.userId, change.message.conversationId, change.message.attachments));
    }
    if (change.kind === 'message-delete') out.push(deleteMessage(db, change.conversationId, change.messageId));
    if (change.kind === 'delete') out.push(deleteConversation(db, change.conversationId));
  }
  return out;
}
