import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../providers/registry.ts';
import type { ProviderAdapter, ProviderEvent } from '../providers/types.ts';
import { backoff, streamWithFallbacks, type Candidate } from './reliable-stream.ts';

const model = (id: string): ModelInfo => ({
  id,
  provider: 'anthropic',
  vendorModel: id,
  label: id,
  contextWindow: 1000,
  maxOutputTokens: 100,
  reads: { image: false, pdf: false, gif: false },
  price: { input: 1, output: 1 },
});
const failure = (code: 'rate_limited' | 'bad_request' | 'upstream', retryAfterMs?: number): ProviderEvent => ({
  type: 'error',
  code,
  message: code,
  retryable: code !== 'bad_request',
  retryAfterMs,
});
const ok: ProviderEvent[] = [
  { type: 'text', text: 'hi' },
  { type: 'done', stopReason: 'end_turn' },
];

/** An adapter that plays one scripted event list per call and records the models it was asked for. */
function scripted(...calls: ProviderEvent[][]) {
  const asked: string[] = [];
  const adapter: ProviderAdapter = {
    id: 'anthropic',
    async *stream(request) {
      asked.push(request.model);
      yield* calls.shift() ?? [];
    },
  };
  return { adapter, asked };
}

async function run(candidates: Candidate[]) {
  const sleeps: number[] = [];
  const events = [];
  const policy = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };
  for await (const event of streamWithFallbacks(
    candidates,
    { messages: [], maxOutputTokens: 50, signal: new AbortController().signal },
    policy,
  ))
    events.push(event);
  return { events, sleeps };
}

describe('streamWithFallbacks', () => {
  it('retries a retryable failure before the first token, honouring retry-after', async () => {
    const { adapter, asked } = scripted([failure('rate_limited', 1200)], [failure('upstream')], ok);
    const { events, sleeps } = await run([{ model: model('a'), adapter, config: { apiKey: 'k' } }]);
    expect(asked).toEqual(['a', 'a', 'a']);
    expect(sleeps).toEqual([1200, backoff(1, () => 0.5)]);
    expect(events.filter((e) => e.type !== 'attempt')).toEqual(ok);
  });

  it('never retries once text has been sent', async () => {
    const { adapter, asked } = scripted([{ type: 'text', text: 'par' }, failure('upstream')], ok);
    const { events } = await run([{ model: model('a'), adapter, config: { apiKey: 'k' } }]);
    expect(asked).toEqual(['a']);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'upstream' });
  });

  it('moves to the fallback after the retries are spent', async () => {
    const primary = scripted([failure('upstream')], [failure('upstream')], [failure('upstream')]);
    const fallback = scripted(ok);
    const { events } = await run([
      { model: model('a'), adapter: primary.adapter, config: { apiKey: 'k' } },
      { model: model('b'), adapter: fallback.adapter, config: { apiKey: 'k' } },
    ]);
    expect(primary.asked).toEqual(['a', 'a', 'a']);
    expect(fallback.asked).toEqual(['b']);
    expect(events.filter((e) => e.type === 'attempt').map((e) => (e as { model: ModelInfo }).model.id)).toEqual([
      'a',
      'a',
      'a',
      'b',
    ]);
  });

  it('gives up at once on a bad request, without fallbacks', async () => {
    const primary = scripted([failure('bad_request')]);
    const fallback = scripted(ok);
    const { events } = await run([
      { model: model('a'), adapter: primary.adapter, config: { apiKey: 'k' } },
      { model: model('b'), adapter: fallback.adapter, config: { apiKey: 'k' } },
    ]);
    expect(fallback.asked).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'bad_request' });
  });

  it('does not wait out a retry-after longer than 10 s: it falls back instead', async () => {
    const primary = scripted([failure('rate_limited', 60_000)]);
    const fallback = scripted(ok);
    const { sleeps } = await run([
      { model: model('a'), adapter: primary.adapter, config: { apiKey: 'k' } },
      { model: model('b'), adapter: fallback.adapter, config: { apiKey: 'k' } },
    ]);
    expect(sleeps).toEqual([]);
    expect(fallback.asked).toEqual(['b']);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter between half and all of the ceiling', () => {
    expect([0, 1, 2].map((n) => backoff(n, () => 0))).toEqual([125, 250, 500]);
    expect([0, 1, 2].map((n) => backoff(n, () => 1))).toEqual([250, 500, 1000]);
  });
});
