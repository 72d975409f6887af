// The OpenAI adapter's client (`new OpenAI()` from the SDK's public entry) sends what Parley
// configured and nothing the SDK would read from process.env, which workerd fills from the
// Worker's bindings.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { adapters, type ProviderAdapter, type ProviderEvent } from '../../worker/providers/index.ts';

const upstream = inject('fakeUpstreamUrl');

afterEach(() => vi.restoreAllMocks());

/** Streams one short reply and returns its events and the headers of the request the SDK sent. */
async function sentHeaders(adapter: ProviderAdapter, apiKey: string, path: string) {
  const spy = vi.spyOn(globalThis, 'fetch');
  const events: ProviderEvent[] = [];
  const stream = adapter.stream(
    {
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'Hi [[fake ttft=0 tokens=2 tps=0]]' }],
      maxOutputTokens: 10,
      signal: new AbortController().signal,
    },
    { apiKey, baseURL: `${upstream}${path}` },
  );
  for await (const event of stream) events.push(event);
  const [input, init] = spy.mock.calls[0]!;
  return { events, headers: new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)) };
}

describe('openai adapter client', () => {
  it('sends the key as a bearer token, with no retries', async () => {
    const { events, headers } = await sentHeaders(adapters.openai, 'sk-test-bearer', '/openai/v1');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    expect(headers.get('authorization')).toBe('Bearer sk-test-bearer');
    expect(headers.get('x-stainless-retry-count')).toBe('0');
  });

  it('sends no Authorization header at all to a keyless OpenAI-compatible server', async () => {
    const { events, headers } = await sentHeaders(adapters['openai-compat'], '', '/compat/v1');
    expect(headers.has('authorization')).toBe(false);
    // The fake wants a key, as most hosted servers do: the refusal comes back as the vendor's.
    expect(events).toEqual([expect.objectContaining({ type: 'error', code: 'auth', status: 401 })]);
  });

  it('never forwards an organization or project from process.env to the server', async () => {
    const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
    process.env.OPENAI_ORG_ID = 'org-from-env';
    process.env.OPENAI_PROJECT_ID = 'proj-from-env';
    try {
      const { headers } = await sentHeaders(
        adapters['openai-compat'],
        `sk-compat-${crypto.randomUUID()}`,
        '/compat/v1',
      );
      expect(headers.has('openai-organization')).toBe(false);
      expect(headers.has('openai-project')).toBe(false);
    } finally {
      for (const [name, value] of [
        ['OPENAI_ORG_ID', saved.org],
        ['OPENAI_PROJECT_ID', saved.project],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
