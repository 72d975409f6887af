// A Limiter's catalogue of its owner's files (schema step 6 of limiter-store.ts): every file uploaded
// (content-addressed: the same bytes twice are one file), the conversations that refer to each, and
// the changes still to be written behind (Postgres rows, R2 deletions). Held in memory and written
// in the same turn as each decision, so storage is counted exactly under concurrency.
import type { FileKind } from '../worker/files/sniff.ts';
import type { StoredFile } from '../worker/files/types.ts';

/** One change to write behind: a row to upsert, or a file to delete (its R2 object and its row). */
export type FileChange =
  | { op: 'upsert'; userId: string; file: StoredFile }
  | { op: 'delete'; userId: string; id: string };

export class LimiterFiles {
  private readonly sql: SqlStorage;
  readonly files = new Map<string, StoredFile>();
  /** File id -> the conversations whose messages carry it. */
  readonly refs = new Map<string, Set<string>>();
  usedBytes = 0;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    for (const row of sql.exec<{
      id: string;
      name: string;
      media_type: string;
      kind: FileKind;
      size: number;
      created_at: number;
    }>('select * from files')) {
      this.files.set(row.id, {
        id: row.id,
        name: row.name,
        mediaType: row.media_type,
        kind: row.kind,
        size: row.size,
        createdAt: row.created_at,
      });
      this.usedBytes += row.size;
    }
    for (const row of sql.exec<{ file_id: string; conversation_id: string }>('select * from file_refs'))
      this.refSet(row.file_id).add(row.conversation_id);
  }

  add(userId: string, file: StoredFile) {
    this.files.set(file.id, file);
    this.usedBytes += file.size;
    this.sql.exec(
      'insert into files (id, name, media_type, kind, size, created_at) values (?, ?, ?, ?, ?, ?)',
      file.id,
      file.name,
      file.mediaType,
      file.kind,
      file.size,
      file.createdAt,
    );
    this.enqueue({ op: 'upsert', userId, file });
  }

  /** The file gone from the catalogue (its storage freed at once); its object and row are deleted behind. */
  remove(userId: string, id: string) {
    const file = this.files.get(id);
    if (!file) return;
    this.files.delete(id);
    this.refs.delete(id);
    this.usedBytes -= file.size;
    this.sql.exec('delete from files where id = ?', id);
    this.sql.exec('delete from file_refs where file_id = ?', id);
    this.enqueue({ op: 'delete', userId, id });
  }

  refer(ids: string[], conversationId: string) {
    for (const id of ids) {
      this.refSet(id).add(conversationId);
      this.sql.exec('insert or ignore into file_refs (file_id, conversation_id) values (?, ?)', id, conversationId);
    }
  }

  /** `conversationId` no longer refers to `ids` (a send that carried them was refused before it was stored). */
  unrefer(ids: string[], conversationId: string) {
    for (const id of ids) {
      this.refs.get(id)?.delete(conversationId);
      this.sql.exec('delete from file_refs where file_id = ? and conversation_id = ?', id, conversationId);
    }
  }

  /** Drops a conversation's references; the files nothing refers to any more (and that were referred to), which the caller removes. */
  release(conversationId: string): string[] {
    const unreferenced: string[] = [];
    for (const [id, conversations] of this.refs) {
      if (!conversations.delete(conversationId)) continue;
      if (conversations.size === 0) unreferenced.push(id);
    }
    this.sql.exec('delete from file_refs where conversation_id = ?', conversationId);
    return unreferenced;
  }

  /** Uploads never attached to any message, older than `before` (epoch ms). */
  unattachedBefore(before: number): string[] {
    return [...this.files.values()]
      .filter((file) => file.createdAt < before && (this.refs.get(file.id)?.size ?? 0) === 0)
      .map((file) => file.id);
  }

  pending(limit: number): Array<{ key: string; change: FileChange }> {
    return this.sql
      .exec<{ key: string; body: string }>('select key, body from file_outbox order by seq limit ?', limit)
      .toArray()
      .map((row) => ({ key: row.key, change: JSON.parse(row.body) as FileChange }));
  }

  /** Drops written changes, unless a newer change replaced one meanwhile (same key, other body). */
  landed(written: Array<{ key: string; change: FileChange }>) {
    for (const { key, change } of written)
      this.sql.exec('delete from file_outbox where key = ? and body = ?', key, JSON.stringify(change));
  }

  private enqueue(change: FileChange) {
    const key = change.op === 'upsert' ? change.file.id : change.id;
    this.sql.exec(
      'insert into file_outbox (key, body) values (?, ?) on conflict (key) do update set body = excluded.body',
      key,
      JSON.stringify(change),
    );
  }

  private refSet(id: string): Set<string> {
    let set = this.refs.get(id);
    if (!set) this.refs.set(id, (set = new Set()));
    return set;
  }
}
