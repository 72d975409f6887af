// The OpenAPI document against the routes the app really mounts (issue 19, item 3): each route is
// described beside its handler and the document is generated from the mounted app, so a route left
// undescribed fails here, and so would a document naming an operation nothing serves.
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app.ts';
import { call, userWithKey } from './helpers.ts';

/** Mounted routes that are not the API, each with the reason. */
const NOT_API: Record<string, string> = {
  'GET /*': "The app's pages and the front end's files: HTML and assets for the browser, not an API",
  'GET /widget.js': 'The embeddable widget script, loaded by a <script> tag on host pages',
  'GET /widget/{file}': "The widget script's content-hashed chunks, loaded by widget.js",
  'GET /api/docs': 'The HTML reference page that renders this document',
  'GET /s/{token}': "A share link's public page: server HTML for people to read, not an API",
  'POST /api/dev/session':
    'Dev sign-in: a 404 unless AUTH_MODE=dev and refused off loopback (middleware/dev-only.ts); the document describes the deployed API',
  'POST /api/dev/crash': 'A test error for Sentry, behind the same dev-only guard',
};

type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  tags?: string[];
  parameters: { in: string; name: string }[];
  responses: Record<string, unknown>;
};
type Document = { paths: Record<string, Record<string, Operation>> };

/** `METHOD /path/{param}` of every route Hono has mounted; middleware mounted with `use` (method ALL) is no route. */
function mountedRoutes() {
  const routes = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(routes)];
}

function documentedOperations(doc: Document) {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

async function openApiDocument() {
  const res = await call('/api/openapi.json');
  expect(res.status).toBe(200);
  return res.json<Document>();
}

describe('the OpenAPI document and the mounted routes', () => {
  it('describes every route the app mounts, but for the few that are not the API', async () => {
    const documented = new Set(documentedOperations(await openApiDocument()));
    const undescribed = mountedRoutes().filter((route) => !documented.has(route) && !(route in NOT_API));
    expect(undescribed).toEqual([]);
  });

  it('names no operation the app does not mount', async () => {
    const mounted = new Set(mountedRoutes());
    const unmounted = documentedOperations(await openApiDocument()).filter((operation) => !mounted.has(operation));
    expect(unmounted).toEqual([]);
  });

  it('leaves out only routes that are mounted, and leaves them out', async () => {
    const documented = new Set(documentedOperations(await openApiDocument()));
    const mounted = new Set(mountedRoutes());
    for (const route of Object.keys(NOT_API))
      expect([route, mounted.has(route), documented.has(route)]).toEqual([route, true, false]);
  });

  it('gives every operation a summary, a tag, a success response and each of its path parameters', async () => {
    const doc = await openApiDocument();
    for (const [path, methods] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      for (const [method, op] of Object.entries(methods)) {
        expect({ operation: `${method} ${path}`, summary: op.summary, tags: op.tags?.length }).toEqual({
          operation: `${method} ${path}`,
          summary: expect.stringMatching(/\S/),
          tags: 1,
        });
        expect(Object.keys(op.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
        expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(names);
      }
    }
  });

  it('describes a route from the schemas it validates with: a path parameter as its uuid', async () => {
    const doc = await openApiDocument();
    const parameters = doc.paths['/api/sites/{id}']!.patch!.parameters;
    expect(parameters).toEqual([
      expect.objectContaining({
        name: 'id',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ format: 'uuid' }),
      }),
    ]);
  });

  it("names the credentials each route's guard takes: a session or an API key is refused exactly where it is not named", async () => {
    const { token, key } = await userWithKey();
    const doc = await openApiDocument();
    const refusals = [];
    const documented = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.security) continue;
        const schemes = op.security.flatMap((alternative) => Object.keys(alternative));
        for (const [scheme, credential] of [
          ['bearer', token],
          ['apiKey', key],
        ] as const) {
          const res = await call(path.replace(/\{\w+\}/g, crypto.randomUUID()), {
            method: method.toUpperCase(),
            token: credential,
            ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }),
          });
          const body = await res.text();
          // A guard's refusal: 401, or 403 forbidden (an API key where only a session may go).
          const refused = res.status === 401 || (res.status === 403 && body.includes('"forbidden"'));
          refusals.push({ operation: `${method} ${path}`, scheme, refused });
          documented.push({ operation: `${method} ${path}`, scheme, refused: !schemes.includes(scheme) });
        }
      }
    }
    expect(refusals).toEqual(documented);
  });
});
