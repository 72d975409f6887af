// Where /authorize sends the browser back to, decided as GoTrue decides it (utilities/request.go,
// GetReferrer and IsRedirectURLValid): `redirect_to` if it is allowed, else the Referer if that
// is, else the site URL. Allowed: the site's own scheme and host (any port on loopback), any
// loopback IP address, or a match for one of the additional redirect URLs (globs, `*` within a
// host label or path segment, `**` across them).
import { isIP } from 'node:net';

type RedirectConfig = { siteUrl: string; additionalRedirectUrls: string[] };

export function redirectTarget(config: RedirectConfig, redirectTo: string | null, referer: string | undefined): string {
  for (const candidate of [redirectTo, referer]) if (candidate && isAllowed(config, candidate)) return candidate;
  return config.siteUrl;
}

/** The PKCE flow's return: `code` added to the query (GoTrue's prepPKCERedirectURL). */
export function withCode(target: string, code: string): string {
  const url = new URL(target);
  url.searchParams.set('code', code);
  return url.href;
}

/** The implicit flow's return: the session in the fragment, keys sorted as Go's url.Values encodes them. */
export function withSessionFragment(target: string, session: Record<string, string>): string {
  const params = new URLSearchParams({ ...session, sb: '' });
  params.sort();
  return `${target}#${params}`;
}

function isAllowed(config: RedirectConfig, candidate: string): boolean {
  let site: URL;
  let url: URL;
  try {
    site = new URL(config.siteUrl);
    url = new URL(candidate);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === site.hostname && url.protocol === site.protocol && (url.port === site.port || isLoopback(host)))
    return true;
  if (/^[0-9]+$/.test(host)) return false;
  if (isIP(host)) return isLoopback(host);
  const withoutFragment = candidate.split('#')[0]!;
  return config.additionalRedirectUrls.some((pattern) => globToRegExp(pattern).test(withoutFragment));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^./]*';
    else if (char === '?') source += '[^./]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
