import { describe, expect, it } from 'vitest';
import { isPublicSuffix, originMatcher, parseAllowedOrigin, publicSuffixOrigins, requestOrigin } from './origins.ts';

describe('allowed origins', () => {
  it.each([
    ['https://example.com', 'https://example.com'],
    ['https://Example.COM/', 'https://example.com'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['https://example.com:443', 'https://example.com'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://[::1]:5173', 'http://[::1]:5173'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ['https://*.example.com', 'https://*.example.com'],
    ['HTTPS://*.Example.com:8443/', 'https://*.example.com:8443'],
    // Under a public suffix, one's own name: only its owner can make pages under it.
    ['https://*.mycompany.github.io', 'https://*.mycompany.github.io'],
    ['https://mycompany.github.io', 'https://mycompany.github.io'],
    ['https://*.shop.co.uk', 'https://*.shop.co.uk'],
    ['https://*.my-app.workers.dev', 'https://*.my-app.workers.dev'],
    ['https://docs.pages.dev', 'https://docs.pages.dev'],
    // Names the list does not know are nobody's suffix.
    ['http://localhost', 'http://localhost'],
    ['https://*.shop.test', 'https://*.shop.test'],
  ])('normalises %s to %s', (entry, origin) => {
    expect(parseAllowedOrigin(entry)).toEqual({ ok: true, origin });
  });

  it.each([
    'example.com',
    'ftp://example.com',
    'https://example.com/path',
    'https://example.com/?q=1',
    'https://example.com#top',
    'https://user@example.com',
    'https://',
    '*',
    'https://*',
    'https://*.com',
    'https://*.*.example.com',
    'https://a.*.example.com',
    'https://*example.com',
    'https://a*b.example.com',
    'https://*.127.0.0.1',
    'https://example.com:99999',
    'null',
    '',
  ])('refuses %j, quoting it', (entry) => {
    const parsed = parseAllowedOrigin(entry);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(`'${entry}'`);
  });

  // Issue 23: anyone can host a page under a public suffix, so a wildcard over one admits everyone.
  it.each([
    ['https://*.github.io', 'github.io'],
    ['https://*.co.uk', 'co.uk'],
    ['https://*.com', 'com'],
    ['https://*.workers.dev', 'workers.dev'],
    ['https://*.pages.dev', 'pages.dev'],
    ['https://*.s3.amazonaws.com', 's3.amazonaws.com'],
    ['HTTPS://*.GitHub.io/', 'github.io'],
  ])('refuses the wildcard %s over the public suffix %s, saying who it would let in', (entry, suffix) => {
    expect(parseAllowedOrigin(entry)).toEqual({
      ok: false,
      message: `'${entry}' is too wide: ${suffix} is a public suffix, so *.${suffix} would let anyone with a ${suffix} page use your widget. Name your own domain, like https://*.yourname.${suffix}`,
    });
  });

  it.each(['https://co.uk', 'https://github.io', 'http://com', 'https://workers.dev:8443'])(
    'refuses the bare public suffix %s as an origin',
    (entry) => {
      const parsed = parseAllowedOrigin(entry);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(new RegExp(`^'${entry}' is a public suffix, not a site`));
    },
  );

  it('knows listed suffixes, private ones included, and nothing the list leaves out', () => {
    for (const host of ['com', 'co.uk', 'github.io', 'workers.dev', 'pages.dev', 'bar.ck'])
      expect(isPublicSuffix(host), host).toBe(true);
    for (const host of ['example.com', 'mycompany.github.io', 'localhost', 'shop.test', '127.0.0.1', '[::1]', 'www.ck'])
      expect(isPublicSuffix(host), host).toBe(false);
  });

  it('finds the stored origins the list refuses, so the Sites page can warn about them', () => {
    expect(
      publicSuffixOrigins(['https://example.com', 'https://*.github.io', 'https://*.me.github.io', 'https://co.uk']),
    ).toEqual(['https://*.github.io', 'https://co.uk']);
  });

  it('reads the Origin header as browsers send it, and nothing else', () => {
    expect(requestOrigin('https://Shop.Example.com')).toBe('https://shop.example.com');
    expect(requestOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    for (const header of [undefined, null, '', 'null', 'https://example.com/path', 'file://', 'chrome-extension://abc'])
      expect(requestOrigin(header)).toBeUndefined();
  });

  it('matches exact origins exactly, and wildcards on any subdomain but never the apex, another scheme or port', () => {
    const allowed = originMatcher(['https://example.com', 'https://*.shop.test', 'http://*.local.test:8080']);
    expect(allowed('https://example.com')).toBe(true);
    expect(allowed('https://www.example.com')).toBe(false);
    expect(allowed('http://example.com')).toBe(false);
    expect(allowed('https://a.shop.test')).toBe(true);
    expect(allowed('https://a.b.shop.test')).toBe(true);
    expect(allowed('https://shop.test')).toBe(false);
    expect(allowed('https://evilshop.test')).toBe(false);
    expect(allowed('http://a.shop.test')).toBe(false);
    expect(allowed('https://a.shop.test:8443')).toBe(false);
    expect(allowed('http://a.local.test:8080')).toBe(true);
    expect(allowed('http://a.local.test')).toBe(false);
  });
});
