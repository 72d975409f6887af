// The embeddable widget's files, from the built front end's assets with the headers a script
// embedded on other websites needs: widget.js (its URL never changes, so it is cached for five
// minutes and revalidated by ETag) and its content-hashed chunks under /widget/ (cached for a year).
// Every origin may load them: the chunks are ES modules, fetched with CORS from the host page.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { onNotFound } from '../middleware/errors.ts';

const LOADER_CACHE = 'public, max-age=300, stale-while-revalidate=604800';
const CHUNK_CACHE = 'public, max-age=31536000, immutable';
/** `<name>-<hash>.js`, as frontend/widget/build.ts names the chunks. */
const CHUNK_NAME = /^([a-z]+)-[\w-]+\.js$/;

export const widgetScript = new Hono<AppEnv>()
  .get('/widget.js', async (c) => (await script(c, '/widget.js', LOADER_CACHE)) ?? onNotFound(c))
  .get('/widget/:file', async (c) => {
    const file = c.req.param('file');
    const name = CHUNK_NAME.exec(file)?.[1];
    if (!name) return onNotFound(c);
    const found = await script(c, `/widget/${file}`, CHUNK_CACHE);
    if (found) return found;
    // A browser may run a widget.js from before the last deploy for up to a week (while it
    // revalidates), naming chunks this deploy no longer has: it gets today's, cached briefly.
    const current = (await currentChunks(c))[name];
    return (current && (await script(c, `/widget/${current}`, LOADER_CACHE))) || onNotFound(c);
  });

/** The asset at `path` with the widget's headers, or undefined when it is not a script there. */
async function script(c: Context<AppEnv>, path: string, cacheControl: string): Promise<Response | undefined> {
  const ifNoneMatch = c.req.header('if-none-match');
  const asset = await c.env.ASSETS.fetch(
    new Request(new URL(path, c.req.url), { headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} }),
  );
  // The assets' single-page fallback answers any path with index.html: only JavaScript is a script.
  if (asset.status !== 304 && !(asset.ok && /javascript/.test(asset.headers.get('content-type') ?? ''))) {
    await asset.body?.cancel();
    return undefined;
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

/** This deploy's chunk file for each chunk name (written by the widget's build). */
async function currentChunks(c: Context<AppEnv>): Promise<Record<string, string>> {
  const res = await c.env.ASSETS.fetch(new Request(new URL('/widget/chunks.json', c.req.url)));
  if (!res.ok || !/json/.test(res.headers.get('content-type') ?? '')) {
    await res.body?.cancel();
    return {};
  }
  return res.json<Record<string, string>>();
}
