// The origins a site may be embedded on, and the Origin a visitor's browser sends. An allowed
// origin is exact (`https://example.com`, `http://localhost:8080`: scheme, host, optional port)
// or a wildcard over subdomains (`https://*.example.com`: any depth, never the apex). Entries are
// kept normalised the way browsers serialise an Origin (lower case, punycode, no default port, no
// trailing slash), so matching is string comparison and suffix tests. Neither a wildcard's base nor
// an exact host may be a public suffix (the Public Suffix List, private suffixes such as github.io
// included, through tldts): anyone can register a name under one, so `*.github.io` would let any
// GitHub Pages site use the widget.
import { parse as parseDomain } from 'tldts';

export type ParsedOrigin = { ok: true; origin: string } | { ok: false; message: string };

const EXACT = /^(https?):\/\/([^/?#@\s\\]+)\/?$/i;
const WILDCARD = /^(https?):\/\/\*\.([^/?#@\s\\*]+)\/?$/i;
const HOSTNAME = /^(?:\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*)$/;
const IPV4 = /^\d+(?:\.\d+){3}$/;
const HOW =
  'use scheme://host[:port] with no path, e.g. https://example.com or http://localhost:8080, or https://*.example.com for every subdomain';

/** An allowed-origins entry as stored, or why it is refused (the message quotes the entry). */
export function parseAllowedOrigin(entry: string): ParsedOrigin {
  const text = entry.trim();
  const refuse = (why: string): ParsedOrigin => ({ ok: false, message: `'${entry}' ${why}: ${HOW}` });
  const tooWide = (why: string): ParsedOrigin => ({ ok: false, message: `'${entry}' ${why}` });
  const wildcard = WILDCARD.exec(text);
  if (wildcard) {
    const url = parse(`${wildcard[1]}://${wildcard[2]}`);
    if (!url) return refuse('is not an origin');
    if (isPublicSuffix(url.hostname))
      return tooWide(
        `is too wide: ${url.hostname} is a public suffix, so *.${url.hostname} would let anyone with a ${url.hostname} page use your widget. Name your own domain, like https://*.yourname.${url.hostname}`,
      );
    if (!url.hostname.includes('.') || url.hostname.startsWith('[') || IPV4.test(url.hostname)) {
      return refuse('is too wide a wildcard (it must name a domain with at least two labels, like *.example.com)');
    }
    return { ok: true, origin: `${url.protocol}//*.${url.host}` };
  }
  if (text.includes('*')) return refuse('has a wildcard in the wrong place (only a leading *. is allowed)');
  const exact = EXACT.exec(text);
  if (!exact)
    return refuse(/^https?:\/\//i.test(text) ? 'has a path, query, fragment or user name' : 'is not an http(s) origin');
  const url = parse(text);
  if (!url) return refuse('is not an origin');
  if (isPublicSuffix(url.hostname))
    return tooWide(
      `is a public suffix, not a site: anyone can have a page under ${url.hostname}. Name your own domain, like https://yourname.${url.hostname}`,
    );
  return { ok: true, origin: `${url.protocol}//${url.host}` };
}

/**
 * Whether a (normalised) host is itself a public suffix on the Public Suffix List: `com`, `co.uk`,
 * `github.io`, `workers.dev`. Only listed rules count: a host under a name the list does not know
 * (`localhost`, `shop.test`) is not one, though tldts treats its last label as a suffix.
 */
export function isPublicSuffix(hostname: string): boolean {
  const host = parseDomain(hostname, { allowPrivateDomains: true });
  return !host.isIp && (host.isIcann === true || host.isPrivate === true) && host.publicSuffix === hostname;
}

/**
 * The stored (normalised) allowed origins whose host or wildcard base is a public suffix: saved
 * before the check existed, or since listed. They keep working; the Sites page warns about them.
 */
export function publicSuffixOrigins(allowed: readonly string[]): string[] {
  return allowed.filter((entry) => {
    const url = parse(entry.replace('://*.', '://'));
    return !!url && isPublicSuffix(url.hostname);
  });
}

/** The Origin header as browsers serialise it, or undefined when it is missing, `null` or not http(s). */
export function requestOrigin(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (!EXACT.test(text) || text.includes('*')) return undefined;
  const url = parse(text);
  return url ? `${url.protocol}//${url.host}` : undefined;
}

/** Tests a (normalised) request origin against a site's (normalised) allowed origins. */
export function originMatcher(allowed: readonly string[]): (origin: string) => boolean {
  const exact = new Set<string>();
  const wildcards: Array<{ scheme: string; suffix: string; port: string }> = [];
  for (const entry of allowed) {
    const at = entry.indexOf('://*.');
    if (at === -1) {
      exact.add(entry);
      continue;
    }
    const url = parse(`${entry.slice(0, at)}://${entry.slice(at + 5)}`);
    if (url) wildcards.push({ scheme: url.protocol, suffix: `.${url.hostname}`, port: url.port });
  }
  return (origin) => {
    if (exact.has(origin)) return true;
    if (wildcards.length === 0) return false;
    const url = parse(origin);
    return (
      !!url &&
      wildcards.some(
        (w) =>
          w.scheme === url.protocol &&
          w.port === url.port &&
          url.hostname.endsWith(w.suffix) &&
          url.hostname.length > w.suffix.length,
      )
    );
  };
}

/** The URL of an origin with an acceptable host (URL also accepts hosts no browser sends, such as `a*b`), or undefined. */
function parse(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return HOSTNAME.test(url.hostname) ? url : undefined;
}
