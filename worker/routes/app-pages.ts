// The app's pages and files from the built front end (wrangler.toml runs the Worker first for all
// but /assets/*, the hashed files), so each page gets its security headers: the
// Content-Security-Policy names this deployment's SUPABASE_URL, known only at run time.
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { onNotFound } from '../middleware/errors.ts';
import { appPageHeaders } from '../middleware/security-headers.ts';

/** Paths that are never the app: an unknown one is the API's JSON 404, not index.html. */
const NOT_PAGES = /^\/(api|v1|widget)(\/|$)|^\/__scheduled$/;

export const appPages = new Hono<AppEnv>().get(
  '*',
  async (c, next) => (NOT_PAGES.test(c.req.path) ? onNotFound(c) : next()),
  appPageHeaders,
  async (c) => {
    // The assets keep their own status, ETag and cache headers; client routes get index.html.
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    return new Response(asset.body, asset);
  },
);
