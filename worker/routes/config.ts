import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { publicConfig } from '../public-config.ts';

/** What the front end needs before sign-in. Public: no sign-in, and nothing secret in it. */
export const config = new Hono<AppEnv>().get('/', async (c) => c.json(await publicConfig(c.env)));
