import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { RouterRoute } from 'hono/types';
import type { AppEnv } from '../env.ts';
import { describe } from '../openapi/describe.ts';
import { openApiDocument } from '../openapi/document.ts';

/**
 * The OpenAPI document of `app`'s routes (/openapi.json) and a self-contained reference page for it
 * (/docs: no CDN, so it works offline too). `app` is asked for at the first request, as it mounts
 * these routes too; the document is generated once per isolate, as routes do not change at run time.
 */
export const apiDocs = (app: () => { routes: readonly RouterRoute[] }) => {
  let document: ReturnType<typeof openApiDocument> | undefined;
  const spec = () => (document ??= openApiDocument(app().routes));
  return new Hono<AppEnv>()
    .get(
      '/openapi.json',
      describe({
        summary:
          'This OpenAPI 3.1 document, generated from the routes: their descriptions and the schemas they validate with',
        tag: 'meta',
        responses: { 200: { description: 'The OpenAPI document' } },
      }),
      (c) => c.json(spec()),
    )
    .get('/docs', (c) => {
      const sections = Object.entries(spec().paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => {
          const o = op as { summary: string; requestBody?: unknown; parameters: unknown[]; responses: unknown };
          return html`<section><h2><code class="m-${method}">${method.toUpperCase()}</code> <code>${path}</code></h2><p>${o.summary}</p>
        <details><summary>Schema</summary><pre>${JSON.stringify({ parameters: o.parameters, requestBody: o.requestBody, responses: o.responses }, null, 2)}</pre></details></section>`;
        }),
      );
      return c.html(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
section{border-top:1px solid #dde1e8;padding:.5rem 0}h2{font-size:1.05rem}pre{background:#f5f6f8;padding:1rem;overflow:auto;font-size:.8rem}
.m-get{color:#1a7f37}.m-post{color:#3551d4}.m-patch{color:#9a6700}.m-delete{color:#a4161a}</style></head>
<body><h1>Parley API <small>${spec().info.version}</small></h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>: a session token, or an API key (<code>sk-parley-…</code>, from <code>POST /api/keys</code>) for <code>/v1</code> and, as its owner, <code>/api</code>.</p>
${raw(sections.join(''))}</body></html>`);
    });
};
