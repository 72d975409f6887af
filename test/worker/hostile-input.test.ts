// Input crafted to break the API (issue 11, item 6): each is a 400 that says what is wrong, never a 500 or 503.
import { describe, expect, it } from 'vitest';
import { call, createConversation, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { createSite, visit, visitorConversation, visitorSend } from './widget-support.ts';

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

const cursor = (raw: string) => encodeURIComponent(btoa(raw).replace(/=+$/, ''));
const NUL = 'before\u0000after';

describe('a crafted list cursor', () => {
  it.each([
    ['a date beyond the range Postgres compares', `+275760-09-13T00:00:00.000Z|${crypto.randomUUID()}`],
    ['a date in year 10000', `+010000-01-01T00:00:00.000Z|${crypto.randomUUID()}`],
    ['36 dashes as the id', `2026-11-01T00:00:00.000Z|${'-'.repeat(36)}`],
    ['hex that is not a UUID', `2026-11-01T00:00:00.000Z|${'a'.repeat(36)}`],
    ['a date written another way', `2026-11-01|${crypto.randomUUID()}`],
  ])('is a 400 naming the cursor: %s', async (_what, raw) => {
    const { token } = await signIn();
    const res = await call(`/api/conversations?cursor=${cursor(raw)}`, { token });
    expect(await errorOf(res)).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: expect.stringContaining('cursor'),
    });
  });

  it('a real cursor still pages', async () => {
    const { token } = await signIn();
    const res = await call(`/api/conversations?cursor=${cursor(`2026-11-01T00:00:00.000Z|${crypto.randomUUID()}`)}`, {
      token,
    });
    expect(res.status).toBe(200);
  });
});

describe('a NUL character in text that is kept', () => {
  it('is refused with 400 in content, title and system prompt', async () => {
    const { token } = await signIn();
    const created = await call('/api/conversations', { method: 'POST', token, body: JSON.stringify({ title: NUL }) });
    expect(await errorOf(created)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^title: must not contain NUL/),
    });
    const prompt = await call('/api/conversations', {
      method: 'POST',
      token,
      body: JSON.stringify({ systemPrompt: NUL }),
    });
    expect(await errorOf(prompt)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^systemPrompt: must not contain NUL/),
    });
    const id = await createConversation(token);
    expect(await errorOf(await sendMessage(token, id, NUL))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^content: must not contain NUL/),
    });
    const renamed = await call(`/api/conversations/${id}`, {
      method: 'PATCH',
      token,
      body: JSON.stringify({ title: NUL }),
    });
    expect(await errorOf(renamed)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^title: must not contain NUL/),
    });
    expect((await call(`/api/conversations?q=${encodeURIComponent(NUL)}`, { token })).status).toBe(400);
  });

  it('is refused with 400 in an API key name, a site name, prompt and greeting, and a visitor message', async () => {
    const { token } = await signIn();
    const key = await call('/api/keys', { method: 'POST', token, body: JSON.stringify({ name: NUL }) });
    expect(await errorOf(key)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^name: must not contain NUL/),
    });
    for (const field of ['name', 'systemPrompt', 'greeting']) {
      const site = await call('/api/sites', {
        method: 'POST',
        token,
        body: JSON.stringify({ name: 'Shop', allowedOrigins: ['https://shop.example'], [field]: NUL }),
      });
      expect(await errorOf(site)).toMatchObject({
        status: 400,
        message: expect.stringMatching(new RegExp(`^${field}: must not contain NUL`)),
      });
    }
    const site = await createSite(token);
    const visitor = await visit(site.publicKey);
    const conversation = await visitorConversation(visitor);
    expect(await errorOf(await visitorSend(visitor, conversation, NUL))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^content: must not contain NUL/),
    });
  });
});
