import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { publicConfig } from '../public-config.ts';
import { describe } from '../openapi/describe.ts';
import { publicConfigSchema } from '../schemas/config.ts';

/** What the front end needs before sign-in. Public: no sign-in, and nothing secret in it. */
export const config = new Hono<AppEnv>().get(
  '/',
  describe({
    summary:
      'What the app needs before sign-in: how to sign in, whether billing is on offer, the version (never a secret)',
    tag: 'meta',
    responses: { 200: { description: 'Public configuration', schema: publicConfigSchema } },
  }),
  async (c) => c.json(await publicConfig(c.env)),
);
