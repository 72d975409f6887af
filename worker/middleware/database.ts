import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { createDb } from '../db/client.ts';

/** Gives every request its Drizzle handle (an HTTP client: nothing is opened until a query runs). */
export const database = createMiddleware<AppEnv>(async (c, next) => {
  c.set('db', createDb(c.env));
  await next();
});
