import { describe, expect, it } from 'vitest';
import { originMatcher, parseAllowedOrigin, requestOrigin } from './origins.ts';

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
