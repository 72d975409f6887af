// Versioned storage (issue 19, item 4): steps run once, in order, and a room created by the code
// released before versions were kept is carried forward with everything it held.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { RoomStore } from './room-store.ts';
import { SiteStore } from './site-store.ts';
import { migrateSchema, type SchemaStep } from './sqlite-schema.ts';

/** A fresh room's storage, emptied of what its constructor made, for `body` to shape. */
async function inEmptyRoom<T>(body: (storage: DurableObjectStorage) => T): Promise<T> {
  const room = env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.newUniqueId());
  return runInDurableObject(room, (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%'`,
      )
      .toArray();
    for (const { name } of tables) state.storage.sql.exec(`drop table if exists "${name}"`);
    return body(state.storage);
  });
}

const tableNames = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>(
      `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' order by name`,
    )
    .toArray()
    .map((row) => row.name);

describe('migrateSchema', () => {
  it('applies each step once, in order, recording the version with it', async () => {
    const ran: number[] = [];
    const steps: SchemaStep[] = [
      (sql) => {
        ran.push(1);
        sql.exec('create table a (x integer)');
      },
      (sql) => {
        ran.push(2);
        sql.exec('alter table a add column y text');
      },
    ];
    await inEmptyRoom((storage) => {
      expect(migrateSchema(storage, steps.slice(0, 1))).toBe(1);
      expect(migrateSchema(storage, steps)).toBe(2);
      expect(migrateSchema(storage, steps)).toBe(2);
      expect(ran).toEqual([1, 2]);
      expect(storage.sql.exec('select version from schema_version').one()).toEqual({ version: 2 });
      expect(
        storage.sql
          .exec('pragma table_info(a)')
          .toArray()
          .map((c) => c.name),
      ).toEqual(['x', 'y']);
    });
  });

  it('leaves nothing of a step that fails, and tries it again next time', async () => {
    let fail = true;
    const steps: SchemaStep[] = [
      (sql) => {
        sql.exec('create table b (x integer)');
        if (fail) throw new Error('step failed midway');
      },
    ];
    await inEmptyRoom((storage) => {
      expect(() => migrateSchema(storage, steps)).toThrow('step failed midway');
      expect(tableNames(storage)).toEqual(['schema_version']);
      fail = false;
      expect(migrateSchema(storage, steps)).toBe(1);
      expect(tableNames(storage)).toEqual(['b', 'schema_version']);
    });
  });

  it('refuses storage newer than the code (a rollback after a new step ran)', async () => {
    await inEmptyRoom((storage) => {
      migrateSchema(storage, [() => {}, () => {}]);
      expect(() => migrateSchema(storage, [() => {}])).toThrow(/schema version 2, newer than this code knows \(1\)/);
    });
  });
});

describe('a room created before versions were kept', () => {
  it('takes the new steps and keeps its conversation, messages, outbox and an unfinished reply', async () => {
    await inEmptyRoom((storage) => {
      const { sql } = storage;
      // The release before this one: three tables, no schema_version, no reply_charges.
      sql.exec(`create table conversation (
        id text primary key, user_id text not null, owner_email text, title text, model text, system_prompt text,
        site_id text, visitor_id text, created_at integer not null, updated_at integer not null, deleted integer not null default 0)`);
      sql.exec(`create table messages (
        seq integer primary key autoincrement, id text not null unique, role text not null, content text not null,
        model text, provider text, status text not null, stop_reason text, error_code text,
        input_tokens integer not null default 0, output_tokens integer not null default 0, cached_tokens integer not null default 0,
        cost_usd text not null default '0', time_to_first_token_ms integer, duration_ms integer,
        created_at integer not null, completed_at integer)`);
      sql.exec(`create table outbox (
        seq integer primary key autoincrement, key text not null unique, change text not null, version integer not null default 1)`);
      const conversationId = crypto.randomUUID();
      const userId = crypto.randomUUID();
      sql.exec(
        'insert into conversation (id, user_id, title, created_at, updated_at) values (?, ?, ?, 1, 2)',
        conversationId,
        userId,
        'Before versions',
      );
      sql.exec(
        `insert into messages (id, role, content, model, status, created_at) values (?, 'user', 'hello', null, 'complete', 1), (?, 'assistant', 'half a rep', 'anthropic/claude-sonnet-5-5', 'streaming', 2)`,
        'm-user',
        'm-reply',
      );
      sql.exec(`insert into outbox (key, change) values ('conversation', '{"kind":"conversation"}')`);
      // A reply's write still pending, as that release wrote it: no parent.
      sql.exec(
        'insert into outbox (key, change) values (?, ?)',
        'message:m-reply',
        JSON.stringify({
          kind: 'message',
          message: { id: 'm-reply', role: 'assistant', content: 'half a rep', createdAt: 2, completedAt: null },
        }),
      );

      const store = new RoomStore(storage);

      expect(sql.exec('select version from schema_version').one()).toEqual({ version: 7 });
      expect(tableNames(storage)).toEqual(['conversation', 'messages', 'outbox', 'reply_charges', 'schema_version']);
      // Step 4: not pinned, and last active when its newest message was sent.
      expect(store.conversation()).toMatchObject({
        id: conversationId,
        userId,
        title: 'Before versions',
        pinnedAt: null,
        activeAt: new Date(2),
        // Step 5: the model's default temperature and longest reply.
        temperature: null,
        maxReplyTokens: null,
      });
      expect(store.messages().map((m) => [m.id, m.status, m.content])).toEqual([
        ['m-user', 'complete', 'hello'],
        ['m-reply', 'streaming', 'half a rep'],
      ]);
      // Step 6: the model a reply was asked of is unknown for what was stored, but the reply in
      // flight was asked of the model its placeholder names.
      expect(store.messages().map((m) => [m.id, m.requestedModel])).toEqual([
        ['m-user', null],
        ['m-reply', 'anthropic/claude-sonnet-5-5'],
      ]);
      // Step 7: messages stored before files carry none.
      expect(store.messages().map((m) => m.attachments)).toEqual([null, null]);
      expect(store.outbox.hasPending()).toBe(true);
      // Messages from before the tree read as one branch, each following the one before, and the
      // write still pending carries its parent to Postgres.
      expect(store.messages().map((m) => [m.id, m.parentId])).toEqual([
        ['m-user', null],
        ['m-reply', 'm-user'],
      ]);
      expect(store.branch().map((m) => m.id)).toEqual(['m-user', 'm-reply']);
      expect(store.conversation()?.branchLeafId).toBeNull();
      const pendingReply = store.outbox.pending(10).find((row) => row.change.kind === 'message')?.change;
      expect(pendingReply).toMatchObject({ kind: 'message', message: { id: 'm-reply', parentId: 'm-user' } });
      // Its unfinished reply has no charge (none was recorded then): it is only marked, as before.
      expect(store.orphanedReplies().map((o) => [o.message.id, o.charge])).toEqual([['m-reply', undefined]]);
      expect(store.markInterrupted(3)).toBe(1);
      // Started again: nothing more to apply.
      new RoomStore(storage);
      expect(sql.exec('select version from schema_version').one()).toEqual({ version: 7 });
    });
  });
});

describe("a Site object's storage", () => {
  const inSite = <T>(body: (storage: DurableObjectStorage) => T) =>
    runInDurableObject(env.SITE.get(env.SITE.newUniqueId()), (_instance, state) => body(state.storage));
  const removed = { kind: 'removed' } as const;

  it('stays empty for a key nobody stored, and is versioned from its first write', async () => {
    await inSite((storage) => {
      const store = new SiteStore(storage);
      expect(store.get()).toBeUndefined();
      expect(tableNames(storage)).toEqual([]);
      store.put(removed);
      expect(tableNames(storage)).toEqual(['counters', 'schema_version', 'site']);
      expect(storage.sql.exec('select version from schema_version').one()).toEqual({ version: 2 });
      expect(new SiteStore(storage).get()).toEqual(removed);
    });
  });

  it('carries a site stored before versions were kept forward', async () => {
    await inSite((storage) => {
      storage.sql.exec('create table site (id integer primary key check (id = 1), state text not null)');
      storage.sql.exec('insert into site (id, state) values (1, ?)', JSON.stringify(removed));
      expect(new SiteStore(storage).get()).toEqual(removed);
      expect(storage.sql.exec('select version from schema_version').one()).toEqual({ version: 2 });
    });
  });

  it('gives a site configured before it had abuse limits the defaults, and counters from then on (step 2, issue 23)', async () => {
    await inSite((storage) => {
      const old = { id: crypto.randomUUID(), name: 'Old', visitorRequestsPerMinute: 7, updatedAt: 1 };
      storage.sql.exec('create table site (id integer primary key check (id = 1), state text not null)');
      storage.sql.exec(
        'insert into site (id, state) values (1, ?)',
        JSON.stringify({ kind: 'configured', config: old }),
      );
      const store = new SiteStore(storage);
      expect(store.get()).toEqual({
        kind: 'configured',
        config: { ...old, sessionsPerIpPerMinute: 10, conversationsPerVisitorPerHour: 20, dailyTokenBudget: 200_000 },
      });
      store.setTimes('ip:203.0.113.9', [1, 2], 2);
      expect(new SiteStore(storage).times('ip:203.0.113.9')).toEqual([1, 2]);
    });
  });
});
