// The PGlite wire-protocol server (scripts/db-gateway/wire-server.ts) that the Hyperdrive suites and
// `DATABASE_TRANSPORT=hyperdrive npm start` reach: many node-postgres connections at once, as a
// Worker's Hyperdrive binding opens them, against PGlite's single session.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWireServer, type WireServer } from '../../scripts/db-gateway/wire-server.ts';

let pglite: PGlite;
let server: WireServer;
let pool: pg.Pool;

beforeAll(async () => {
  pglite = await PGlite.create();
  await pglite.exec('create table notes (id int primary key, body text not null)');
  server = await startWireServer(pglite, '127.0.0.1', 0);
  pool = new pg.Pool({ connectionString: server.url, max: 8 });
});

afterAll(async () => {
  await pool.end();
  await server.close();
  await pglite.close();
});

describe('the PGlite wire server', () => {
  it('answers many connections at once, each with its own parameters (no statement crosses connections)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        pool.query<{ n: number; s: string }>('select $1::int as n, $2::text as s', [i, `row ${i}`]),
      ),
    );
    expect(answers.map((a) => a.rows[0])).toEqual(Array.from({ length: 80 }, (_, i) => ({ n: i, s: `row ${i}` })));
  });

  it('keeps a transaction to its connection: others wait, and see nothing of it until it commits', async () => {
    const writer = await pool.connect();
    try {
      await writer.query('begin');
      await writer.query('insert into notes values (1, $1)', ['draft']);
      const seen = pool.query('select count(*)::int as n from notes where id = 1');
      // The reader queues behind the open transaction; the writer carries on meanwhile.
      await writer.query('update notes set body = $1 where id = 1', ['final']);
      await writer.query('commit');
      expect((await seen).rows[0]).toEqual({ n: 1 });
    } finally {
      writer.release();
    }
    expect((await pool.query('select body from notes where id = 1')).rows).toEqual([{ body: 'final' }]);
  });

  it('rolls back the transaction of a connection that goes away, and the others carry on', async () => {
    const lost = new pg.Client({ connectionString: server.url });
    lost.on('error', () => {});
    await lost.connect();
    await lost.query('begin');
    await lost.query('insert into notes values (2, $1)', ['never committed']);
    const waiting = pool.query('select count(*)::int as n from notes where id = 2');
    (lost as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows[0]).toEqual({ n: 0 });
  });

  it("returns Postgres's own errors to the connection that caused them", async () => {
    await expect(pool.query('insert into notes values (1, $1)', ['duplicate'])).rejects.toMatchObject({
      code: '23505',
    });
    expect((await pool.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });
});
