import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../env.ts';
import { VERSION } from '../version.ts';
import { log } from '../log.ts';
import { databaseTransport } from '../db/client.ts';
import { describe } from '../openapi/describe.ts';

const DB_TIMEOUT_MS = 3000;

/** Liveness with a real database round trip: 200 when Postgres answers, 503 when it does not; and which transport reaches it. */
export const health = new Hono<AppEnv>().get(
  '/',
  describe({
    summary: 'Liveness, with a real database query, and the transport reaching the database (hyperdrive or neon-http)',
    tag: 'meta',
    responses: { 200: { description: 'Healthy' }, 503: { description: 'Database down' } },
  }),
  async (c) => {
    const db = await pingDatabase(c.var.db).then(
      () => 'up' as const,
      (error: unknown) => {
        log.error('health: database unreachable', {}, error);
        return 'down' as const;
      },
    );
    const transport = databaseTransport(c.env);
    return c.json({ ok: db === 'up', db, transport, version: VERSION }, db === 'up' ? 200 : 503);
  },
);

async function pingDatabase(db: AppEnv['Variables']['db']) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS);
  });
  try {
    await Promise.race([db.execute(sql`select 1`), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
