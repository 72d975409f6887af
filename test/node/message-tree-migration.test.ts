// Migration 0010 (issue 22, item 1): messages stored before versions get the parent they had in
// effect, the message before them in their conversation, so they read as one branch. Run on the
// real migrations in PGlite: up to 0009, rows as the code before wrote them, then 0010.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MIGRATIONS = 'drizzle/migrations';
let folder: string;
let db: PGlite;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'parley-0010-'));
  await cp(MIGRATIONS, folder, { recursive: true });
  const journalPath = join(folder, 'meta/_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((entry) => entry.tag.startsWith('0010_'));
  expect(at).toBeGreaterThan(0);
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  db = await PGlite.create();
  await migrate(drizzle(db), { migrationsFolder: folder });
}, 60_000);

afterAll(async () => {
  await db?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('migration 0010: messages form a tree', () => {
  it('gives each earlier message the one before it in its conversation as parent, the first none, and leaves conversations to the newest branch', async () => {
    const user = crypto.randomUUID();
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await db.query('insert into profiles (id) values ($1)', [user]);
    await db.query('insert into conversations (id, user_id) values ($1, $2), ($3, $2)', [a, user, b]);
    const insert = (conversation: string, id: string, role: string, minute: number) =>
      db.query(
        `insert into messages (id, conversation_id, user_id, role, content, created_at) values ($1, $2, $3, $4, 'x', $5)`,
        [id, conversation, user, role, new Date(Date.UTC(2026, 0, 1, 12, minute))],
      );
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    // Inserted out of order: the order is the messages' times, not the insertion's.
    await insert(a, ids[2]!, 'user', 3);
    await insert(a, ids[0]!, 'user', 1);
    await insert(a, ids[1]!, 'assistant', 2);
    await insert(b, ids[3]!, 'user', 0);
    await insert(b, ids[4]!, 'assistant', 5);

    await migrate(drizzle(db), { migrationsFolder: MIGRATIONS });

    const rows = await db.query<{ id: string; parent_id: string | null }>(
      'select id, parent_id from messages order by conversation_id = $1 desc, created_at',
      [a],
    );
    expect(rows.rows).toEqual([
      { id: ids[0], parent_id: null },
      { id: ids[1], parent_id: ids[0] },
      { id: ids[2], parent_id: ids[1] },
      { id: ids[3], parent_id: null },
      { id: ids[4], parent_id: ids[3] },
    ]);
    const leaves = await db.query<{ branch_leaf_id: string | null }>('select branch_leaf_id from conversations');
    expect(leaves.rows).toEqual([{ branch_leaf_id: null }, { branch_leaf_id: null }]);
  });
});
