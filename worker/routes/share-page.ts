// The public page of a share link, /s/<token>: no sign-in, server HTML, no script. Never indexed
// (a robots meta tag and X-Robots-Tag), never cached (a revoked link must stop showing at once),
// and no Referer leaves it (the URL is the secret).
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { shareUrl, viewShare } from '../sharing/shares.ts';
import { gonePage, SHARE_PAGE_CSS, sharePage, unavailablePage } from '../sharing/share-page.ts';

let styleHash: Promise<string> | undefined;

/** The page's one stylesheet, allowed by its hash: the policy admits nothing else. */
function contentSecurityPolicy(): Promise<string> {
  styleHash ??= crypto.subtle
    .digest('SHA-256', new TextEncoder().encode(SHARE_PAGE_CSS))
    .then((digest) => btoa(String.fromCharCode(...new Uint8Array(digest))));
  return styleHash.then(
    (hash) =>
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
}

export const sharePages = new Hono<AppEnv>().get('/:token', async (c) => {
  const token = c.req.param('token');
  const view = await viewShare(c.var.db, token).catch((error: unknown) => {
    if (isDatabaseUnavailable(error)) return { state: 'unavailable' } as const;
    throw error;
  });
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-robots-tag': 'noindex, nofollow',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': await contentSecurityPolicy(),
  };
  switch (view.state) {
    case 'live':
      return c.body(sharePage({ ...view, url: shareUrl(new URL(c.req.url).origin, token) }), 200, headers);
    case 'gone':
      return c.body(gonePage(view.reason), 410, headers);
    case 'missing':
      return c.body(gonePage('missing'), 404, headers);
    case 'unavailable':
      return c.body(unavailablePage(), 503, { ...headers, 'retry-after': '30' });
  }
});
