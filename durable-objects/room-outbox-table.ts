// A room's outbox table: the changes still to be written to Postgres, one row per thing changed.
// Rows are written by the room's store inside its own transactions (room-store.ts) and read from
// memory by the flush (room-outbox.ts): reading the table would cost more than the write itself.
import type { Message } from '../worker/db/conversations.ts';
import type { UsageEventMessage } from '../worker/usage/usage-event.ts';
import type { ReplyTimingMessage } from '../worker/usage/reply-timing.ts';

/**
 * One pending change. Rows are keyed by what they change, so a newer state of the same message
 * replaces the older one in place (keeping its position), its removal included (`message-delete`
 * under the same key: written by rooms from before regenerate kept every version, and still
 * flushed should one be pending); `version` tells a flush whether the row it sent is still the row
 * to delete.
 */
export type OutboxChange =
  | { kind: 'conversation' }
  | { kind: 'message'; message: Message }
  | { kind: 'message-delete'; conversationId: string; messageId: string }
  /** What goes to the usage queue: a reply's usage event (the bill) or its timings (the operators'). */
  | { kind: 'usage'; event: UsageEventMessage | ReplyTimingMessage }
  | { kind: 'delete'; conversationId: string }
  /** A deleted conversation's files: its owner's Limiter deletes those no other conversation carries. */
  | { kind: 'files-release'; conversationId: string; userId: string };
export type OutboxRow = { seq: number; version: number; change: OutboxChange };

export class OutboxTable {
  private readonly sql: SqlStorage;
  /** The table as it is, by key. */
  private rows = new Map<string, OutboxRow>();
  /** Rows written behind but not yet deleted: seq -> the version that landed. */
  private readonly landed = new Map<number, number>();

  constructor(sql: SqlStorage) {
    this.sql = sql;
    this.load();
  }

  /** Reads the table again (after a transaction rolled back what memory already held). */
  load() {
    const rows = this.sql
      .exec<{ seq: number; key: string; version: number; change: string }>(
        'select seq, key, version, change from outbox',
      )
      .toArray();
    this.rows = new Map(
      rows.map((row) => [
        row.key,
        { seq: row.seq, version: row.version, change: reviveChange(JSON.parse(row.change) as OutboxChange) },
      ]),
    );
  }

  /** Inside the store's transaction: the change's row, replacing the older state of the same thing. */
  enqueue(key: string, change: OutboxChange) {
    const row = this.sql
      .exec<{ seq: number; version: number }>(
        'insert into outbox (key, change) values (?, ?) on conflict (key) do update set change = excluded.change, version = version + 1 returning seq, version',
        key,
        JSON.stringify(change),
      )
      .one();
    this.rows.set(key, { seq: row.seq, version: row.version, change });
  }

  /** Inside the store's transaction: every row but usage (tokens were spent, so they are billed), for a deleted conversation. */
  dropAllButUsage() {
    this.sql.exec(`delete from outbox where key not like 'usage:%'`);
    for (const key of this.rows.keys()) if (!key.startsWith('usage:')) this.rows.delete(key);
  }

  /** Rows not yet written behind, oldest first. */
  pending(limit: number): OutboxRow[] {
    return [...this.rows.values()]
      .filter((row) => this.landed.get(row.seq) !== row.version)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  }

  /** How many rows are not yet written behind. */
  pendingCount(): number {
    let n = 0;
    for (const row of this.rows.values()) if (this.landed.get(row.seq) !== row.version) n++;
    return n;
  }

  hasPending(): boolean {
    for (const row of this.rows.values()) if (this.landed.get(row.seq) !== row.version) return true;
    return false;
  }

  /**
   * Rows Postgres (or the queue) now has. They are deleted with the store's next local write
   * rather than in a transaction of their own, which would cost every reply another commit: should
   * the object restart first, they are simply written again, and every write is idempotent. A row
   * that changed while it was being sent (a newer version) stays pending.
   */
  markLanded(rows: OutboxRow[]) {
    for (const row of rows) this.landed.set(row.seq, row.version);
  }

  hasLanded(): boolean {
    return this.landed.size > 0;
  }

  /** Inside the store's transaction: deletes the rows that landed; returns what forgets them in memory once it commits. */
  deleteLanded(): () => void {
    const landed = new Map(this.landed);
    for (const [seq, version] of landed)
      this.sql.exec('delete from outbox where seq = ? and version = ?', seq, version);
    return () => {
      for (const [key, row] of this.rows) if (landed.get(row.seq) === row.version) this.rows.delete(key);
      for (const seq of landed.keys()) this.landed.delete(seq);
    };
  }
}

/** JSON turned the message's dates into strings; Postgres writes want them back as dates. */
function reviveChange(change: OutboxChange): OutboxChange {
  if (change.kind !== 'message') return change;
  const { createdAt, completedAt } = change.message as unknown as { createdAt: string; completedAt: string | null };
  return {
    ...change,
    message: {
      ...change.message,
      createdAt: new Date(createdAt),
      completedAt: completedAt === null ? null : new Date(completedAt),
    },
  };
}
