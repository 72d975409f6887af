// Dev sign-in answers only on a loopback host (issue 11, item 6): a deploy left in AUTH_MODE=dev cannot mint sessions.
import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import type { ErrorEnvelope } from './helpers.ts';

function devSession(origin: string) {
  return exports.default.fetch(
    new Request(`${origin}/api/dev/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"a@example.com"}',
    }),
  );
}

describe('POST /api/dev/session', () => {
  it.each(['http://localhost', 'http://127.0.0.1:8787', 'http://[::1]:8787'])(
    'signs in on the loopback host %s',
    async (origin) => {
      const res = await devSession(origin);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        accessToken: expect.stringMatching(/^ey/),
        user: { email: 'a@example.com' },
      });
    },
  );

  it.each([
    'https://parley.example',
    'http://192.168.1.20:8787',
    'http://localhost.parley.example',
    'http://127.0.0.2',
  ])('is refused with 403 on %s, even in dev mode', async (origin) => {
    const res = await devSession(origin);
    expect(res.status).toBe(403);
    const body = await res.json<ErrorEnvelope>();
    expect(body.error.code).toBe('dev_sign_in_local_only');
    expect(JSON.stringify(body)).not.toContain('accessToken');
  });
});
