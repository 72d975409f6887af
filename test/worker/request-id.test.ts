// Request ids are the server's (issue 11, item 6): a caller's X-Request-Id is a separate, bounded log field.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

async function requestLine(headers: Record<string, string>) {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  const res = await call('/api/no-such-thing', { headers });
  await res.text();
  const entry = lines.map((line) => JSON.parse(line)).find((e) => e.msg === 'request');
  return { res, entry };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('are generated on the server whatever X-Request-Id the client sends; a sane one is logged as clientRequestId', async () => {
    const { res, entry } = await requestLine({ 'x-request-id': 'my-trace-123' });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(entry).toMatchObject({ requestId: id, clientRequestId: 'my-trace-123' });
  });

  it('never take a client id that is too long or has unsafe characters, even as clientRequestId', async () => {
    for (const sent of ['x'.repeat(65), 'forged"}{"level":"error', 'a b']) {
      const { res, entry } = await requestLine({ 'x-request-id': sent });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      expect(entry.requestId).toBe(res.headers.get('x-request-id'));
      expect(entry).not.toHaveProperty('clientRequestId');
    }
  });

  it('differ between two requests that send the same X-Request-Id', async () => {
    const first = await requestLine({ 'x-request-id': 'same' });
    const second = await requestLine({ 'x-request-id': 'same' });
    expect(first.res.headers.get('x-request-id')).not.toBe(second.res.headers.get('x-request-id'));
  });
});
