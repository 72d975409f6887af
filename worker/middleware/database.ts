import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { createDb, databaseIdle } from '../db/client.ts';

/**
 * Gives every request its Drizzle handle. Nothing is opened until a query runs; over Hyperdrive the
 * connection it then opens closes once idle, after the response (work written behind included).
 */
export const database = createMiddleware<AppEnv>(async (c, next) => {
  const db = createDb(c.env);
  c.set('db', db);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(databaseIdle(db));
  }
});
