// GET /widget.js and its chunks, through the app with the assets binding (SELF.fetch would skip
// the assets router). Needs the built front end (`npm test` builds it first).
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app.ts';
import { BASE } from './helpers.ts';

const get = (path: string, headers: Record<string, string> = {}) =>
  app.fetch(new Request(`${BASE}${path}`, { headers }), env, createExecutionContext());

async function chunkPaths(): Promise<string[]> {
  const loader = await (await get('/widget.js')).text();
  return [...loader.matchAll(/\.\/(widget\/[\w-]+\.js)/g)].map((match) => `/${match[1]}`);
}

describe('GET /widget.js', () => {
  it('serves the loader to any origin as JavaScript, cached for five minutes and revalidated by its ETag', async () => {
    const res = await get('/widget.js', { origin: 'https://shop.example' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=604800');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('etag')).toMatch(/^(W\/)?"[^"]+"$/);
    const body = await res.text();
    expect(body.startsWith('(function')).toBe(true); // a classic script, not a module
    expect(body).toContain('ParleyWidget');
  });

  it('answers 304 with no body to a request carrying its ETag', async () => {
    const etag = (await get('/widget.js')).headers.get('etag')!;
    const res = await get('/widget.js', { 'if-none-match': etag });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=604800');
  });

  it('serves the hashed chunks the loader names, cached for a year, to any origin', async () => {
    const paths = await chunkPaths();
    expect(paths.map((p) => p.replace(/-[\w-]+\.js$/, ''))).toEqual(['/widget/panel', '/widget/markdown']);
    for (const path of paths) {
      const res = await get(path, { origin: 'https://shop.example' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.text()).toMatch(/\bexport\s*\{/);
    }
  });

  it("answers a chunk of an earlier deploy (named by a widget.js a browser kept) with this deploy's, cached briefly", async () => {
    const [panel] = await chunkPaths();
    const current = await (await get(panel!)).text();
    const res = await get('/widget/panel-0ld-Hash.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=604800');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe(current);
  });

  it('is a 404, never the app page, for a file that is no chunk', async () => {
    for (const path of [
      '/widget/nothing-00000000.js',
      '/widget/index.html',
      '/widget/chunks.json',
      '/widget/..%2Findex.html',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
    }
  });
});
