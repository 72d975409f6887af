// The embeddable widget's files, from the built front end's assets with the headers a script
// embedded on other websites needs: widget.js (its URL never changes, so it is cached for five
// minutes and revalidated by ETag) and its content-hashed chunks under /widget/ (cached for a year).
// Every origin may load them: the chunks are ES modules, fetched with CORS from the host page.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { onNotFound } from '../middleware/errors.ts';

const LOADER_CACHE = 'public, max-age=300, stale-while-revalidate=604800';
const CHUNK_CACHE = 'public, max-age=31536000, immutable';
const CHUNK_NAME = /^[\w-]+\.js$/;

export const widgetScript = new Hono<AppEnv>()
  .get('/widget.js', (c) => script(c, '/widget.js', LOADER_CACHE))
  .get('/widget/:file', (c) => (CHUNK_NAME.test(c.req.param('file')) ? script(c, `/widget/${c.req.param('file')}`, CHUNK_CACHE) : onNotFound(c)));

async function script(c: Context<AppEnv>, path: string, cacheControl: string): Promise<Response> {
  const ifNoneMatch = c.req.header('if-none-match');
  const asset = await c.env.ASSETS.fetch(new Request(new URL(path, c.req.url), { headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} }));
  // The assets' single-page fallback answers any path with index.html: only JavaScript is a script.
  const found = asset.status === 304 || (asset.ok && /javascript/.test(asset.headers.get('content-type') ?? ''));
  if (!found) {
    await asset.body?.cancel();
    return onNotFound(c);
  }
  const headers = new Headers({
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': cacheControl,
    'access-control-allow-origin': '*',
    // Host pages that isolate themselves (COEP: require-corp) may still load it.
    'cross-origin-resource-policy': 'cross-origin',
    'x-content-type-options': 'nosniff',
  });
  const etag = asset.headers.get('etag');
  if (etag) headers.set('etag', etag);
  return new Response(asset.status === 304 ? null : asset.body, { status: asset.status, headers });
}
