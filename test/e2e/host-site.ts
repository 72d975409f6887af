// A website on another origin that embeds the Parley widget, as a customer's would: plain pages
// with the one-line snippet, one with aggressive global CSS, one under a strict
// Content-Security-Policy that allows only Parley's origin for scripts and connections, and the
// pages of hostile-pages.ts (styles that would move the widget; top-layer elements of the page's own).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOSTILE_BODY, HOSTILE_STYLES, TOP_LAYER_PAGE } from './hostile-pages.ts';

export type HostSite = { url: string; close: () => Promise<void> };

/**
 * Serves `/one.html`, `/two.html`, `/hostile-css.html`, `/strict-csp.html`, `/hostile/<style>.html`
 * and `/top-layer.html`, each embedding the
 * widget from `parleyUrl` for the site key set with `useSiteKey` (the site is made after the
 * server, since its allowed origin is this server's).
 */
export async function startHostSite(parleyUrl: string): Promise<HostSite & { useSiteKey: (key: string) => void }> {
  let siteKey = '';
  const snippet = () => `<script src="${parleyUrl}/widget.js" data-site="${siteKey}" async></script>`;
  const page = (title: string, body: string, head = '') =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>${head}</head><body><main><h1>${title}</h1>${body}<p><a href="/one.html">Page one</a> · <a href="/two.html">Page two</a></p></main>${snippet()}</body></html>`;
  const hostileCss = `<style>
    * { all: unset !important; font-size: 40px !important; color: red !important; }
    button { display: none !important; }
    div, section, form, textarea { display: none !important; visibility: hidden !important; }
    body::before { content: 'hostile'; }
  </style>`;
  const pages = (): Record<string, { html: string; headers?: Record<string, string> }> => ({
    '/one.html': { html: page('Page one', '<p>Welcome to our shop.</p>') },
    '/two.html': { html: page('Page two', '<p>Our opening hours.</p>') },
    '/hostile-css.html': { html: page('Hostile CSS', '<p>This page styles everything.</p>', hostileCss) },
    ...Object.fromEntries(
      Object.entries(HOSTILE_STYLES).map(([name, css]) => [
        `/hostile/${name}.html`,
        { html: page(`Hostile ${name}`, HOSTILE_BODY, `<style>${css}</style>`) },
      ]),
    ),
    '/top-layer.html': { html: page('Top layer', TOP_LAYER_PAGE.body, TOP_LAYER_PAGE.head) },
    '/strict-csp.html': {
      html: page('Strict CSP', '<p>Only Parley may run scripts here.</p>'),
      headers: {
        'content-security-policy': `default-src 'none'; script-src ${parleyUrl}; connect-src ${parleyUrl}; style-src 'self'; img-src 'self'`,
      },
    },
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const found = pages()[path];
    if (!found) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...found.headers }).end(found.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    useSiteKey: (key: string) => void (siteKey = key),
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
