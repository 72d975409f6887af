// Issue 18: a runtime killed mid-reply (a deploy restarting Durable Objects, a host dying) must not
// leak quota or unbilled usage. The whole stack runs as `npm start` runs it; the Worker is killed
// with SIGKILL while two replies stream (the free plan's two stream slots), then started again on
// the same state. Within seconds of the rooms' recovery (their heartbeat alarm, at most 30 s after
// the reply started, no request needed)
// the reservations are settled with what streamed, the slots are free, and each interrupted
// reply's tokens are a usage event in Postgres, once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/ports.ts';
import { startStack, type Stack, type StackWorker } from '../../scripts/lib/stack.ts';

const READY_MS = 120_000;

type Me = { quota: { limit: number; used: number; reserved: number } };
type Message = {
  id: string;
  role: string;
  status: string;
  errorCode: string | null;
  content: string;
  inputTokens: number;
  outputTokens: number;
};

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    value = await probe();
  }
  return value;
}

describe('a Worker killed mid-reply and started again on the same state', () => {
  let dir: string;
  let stack: Stack;
  let persistTo: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-restart-'));
    persistTo = join(dir, 'wrangler');
    const envFile = join(dir, 'empty.env');
    await writeFile(envFile, '');
    stack = await startStack({
      port: await freePort(),
      gatewayPort: 0,
      fakeUpstreamPort: 0,
      runtime: 'direct',
      dataDir: join(dir, 'pglite'),
      persistTo: join(dir, 'unused'),
      apiKeys: {},
      vars: { AUTH_MODE: 'dev' },
      envFiles: [envFile],
      stdio: 'ignore',
    });
  }, READY_MS);

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<StackWorker> {
    const worker = await stack.addWorker({ port: await freePort(), persistTo });
    expect(await worker.ready(READY_MS)).toBe(true);
    return worker;
  }

  it('settles the reservations with what streamed, frees the stream slots, and bills each reply once', async () => {
    const first = await startWorker();
    const api = (worker: StackWorker, path: string, token: string, init: RequestInit = {}) =>
      fetch(`${worker.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    const session = await fetch(`${first.url}/api/dev/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `restart-${crypto.randomUUID()}@example.com` }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>);
    const token = session.accessToken;

    // Two slow replies: the free plan's two stream slots, both taken.
    const conversations: string[] = [];
    const readers: Array<ReadableStreamDefaultReader<Uint8Array>> = [];
    for (let i = 0; i < 2; i++) {
      const { id } = (await api(first, '/api/conversations', token, { method: 'POST', body: '{}' }).then((r) =>
        r.json(),
      )) as {
        id: string;
      };
      conversations.push(id);
      const send = await api(first, `/api/conversations/${id}/messages`, token, {
        method: 'POST',
        body: JSON.stringify({ content: '[[fake tokens=3000 tps=40]] tell me a long story' }),
      });
      expect(send.status).toBe(200);
      readers.push(send.body!.getReader());
    }
    // Read for a while: the rooms checkpoint their text every 2 s.
    const deadline = Date.now() + 3500;
    const decoder = new TextDecoder();
    const seen = ['', ''];
    while (Date.now() < deadline) {
      await Promise.all(
        readers.map(async (reader, i) => {
          const { value } = await reader.read();
          if (value) seen[i] += decoder.decode(value);
        }),
      );
    }
    expect(seen.every((text) => text.includes('event: delta'))).toBe(true);
    const during = (await api(first, '/api/me', token).then((r) => r.json())) as Me;
    expect(during.quota.reserved).toBeGreaterThan(0);

    await first.kill();
    for (const reader of readers) await reader.cancel().catch(() => {});

    const second = await startWorker();
    // No request touches the rooms: their alarms recover them.
    const me = await eventually(
      async () => (await api(second, '/api/me', token).then((r) => r.json())) as Me,
      (value) => value.quota.reserved === 0,
      45_000,
    );
    expect(me.quota.reserved).toBe(0);
    expect(me.quota.used).toBeGreaterThan(0);

    let billed = 0;
    for (const id of conversations) {
      const { messages } = (await api(second, `/api/conversations/${id}`, token).then((r) => r.json())) as {
        messages: Message[];
      };
      const reply = messages.at(-1)!;
      expect(reply).toMatchObject({ role: 'assistant', status: 'error', errorCode: 'interrupted' });
      expect(reply.content.length).toBeGreaterThan(0);
      expect(reply.inputTokens).toBeGreaterThan(0);
      expect(reply.outputTokens).toBe(Math.ceil(reply.content.length / 4));
      billed += reply.inputTokens + reply.outputTokens;

      neonConfig.fetchEndpoint = stack.gateway.url;
      const sql = neon('postgresql://parley@127.0.0.1/parley');
      const rows = await eventually(
        () => sql.query('select input_tokens, output_tokens from usage_events where id = $1', [reply.id]),
        (found) => found.length > 0,
        15_000,
      );
      expect(rows).toEqual([{ input_tokens: reply.inputTokens, output_tokens: reply.outputTokens }]);
    }
    expect(me.quota.used).toBe(billed);

    // Both slots free: two sends stream again at once.
    for (const id of conversations) {
      const again = await api(second, `/api/conversations/${id}/messages`, token, {
        method: 'POST',
        body: JSON.stringify({ content: '[[fake tokens=5]] again' }),
      });
      expect(again.status).toBe(200);
      await again.text();
    }
  }, 240_000);
});
