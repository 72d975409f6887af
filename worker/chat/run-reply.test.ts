import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatRequest, ProviderAdapter } from '../providers/types.ts';
import { runReply } from './run-reply.ts';

const model: ModelInfo = {
  id: 'anthropic/silent',
  provider: 'anthropic',
  vendorModel: 'silent',
  label: 'Silent',
  contextWindow: 1000,
  maxOutputTokens: 100,
  reads: { image: false, pdf: false, gif: false },
  price: { input: 1, output: 1 },
};

/** A vendor that sends nothing until the request is aborted, and records what it was asked. */
function silentVendor() {
  const asked: ChatRequest[] = [];
  const adapter: ProviderAdapter = {
    id: 'anthropic',
    async *stream(request) {
      asked.push(request);
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
    },
  };
  return { adapter, asked };
}

async function silentReply(whole: boolean) {
  const { adapter, asked } = silentVendor();
  const outcome = await runReply(
    {
      candidates: [{ model, adapter, config: { apiKey: 'k' } }],
      messages: [{ role: 'user', content: 'hi' }],
      maxOutputTokens: 10,
      whole,
      signal: new AbortController().signal,
      idleTimeoutMs: 40,
    },
    () => {},
  );
  return { outcome, asked };
}

describe('a reply wanted whole', () => {
  it('is asked of the vendor whole, and given ten idle timeouts, since nothing arrives before all of it', async () => {
    const streamed = await silentReply(false);
    const whole = await silentReply(true);
    expect(streamed.asked.map((request) => request.whole)).toEqual([undefined]);
    expect(whole.asked.map((request) => request.whole)).toEqual([true]);
    for (const { outcome } of [streamed, whole])
      expect(outcome).toMatchObject({ status: 'error', errorCode: 'upstream_timeout', content: '' });
    expect(streamed.outcome.durationMs).toBeLessThan(400);
    expect(whole.outcome.durationMs).toBeGreaterThanOrEqual(400);
  });
});
