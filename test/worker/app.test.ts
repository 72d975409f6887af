import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../../worker/app.ts';
import { BASE, call, type ErrorEnvelope, signIn, withUnreachableDatabase } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

describe('GET /api/health', () => {
  it('reports the database up after a real query', async () => {
    const res = await call('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      db: 'up',
      // This project's Worker has a HYPERDRIVE binding or not (vitest.config.ts): health says which transport it uses.
      transport: 'HYPERDRIVE' in env ? 'hyperdrive' : 'neon-http',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it('answers 503 with db "down" when the database cannot be reached, and that endpoint stays with its own handle', async () => {
    const unreachable = withUnreachableDatabase(env);
    const res = await app.fetch(new Request(`${BASE}/api/health`), unreachable, createExecutionContext());
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, db: 'down' });
    // The endpoint is per handle, not process-wide: the test database is still the one answering.
    expect((await call('/api/health')).status).toBe(200);
  });
});

describe('the API surface', () => {
  it('answers unknown /api paths with a JSON 404', async () => {
    const res = await call('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(await res.json<ErrorEnvelope>()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /api/no-such-thing' },
    });
  });

  it('gives every response a request id of its own: a fresh UUID each time', async () => {
    const [first, second] = await Promise.all([call('/api/health'), call('/api/no-such-thing')]);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(first.headers.get('x-request-id')).toMatch(uuid);
    expect(second.headers.get('x-request-id')).toMatch(uuid);
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
  });

  it('logs one JSON line per request with the subject and never the token', async () => {
    const { token, userId } = await signIn();
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const res = await call('/api/me', { token });
    expect(res.status).toBe(200);
    const requestLines = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(requestLines).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/api/me',
        status: 200,
        subject: `user:${userId}`,
        requestId: res.headers.get('x-request-id'),
      }),
    ]);
    expect(typeof requestLines[0].durationMs).toBe('number');
    expect(lines.join('\n')).not.toContain(token);
  });
});
