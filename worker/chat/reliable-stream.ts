// The vendor call with retries and fallbacks. Before the first token, a retryable failure
// (429, 5xx, 529, network) is retried up to twice with exponential backoff and jitter, honouring
// retry-after; a model that keeps failing hands over to its fallbacks in order. Once text (or a
// tool call) has been sent nothing is retried: the reader would see the reply restart.
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatRequest, ProviderAdapter, ProviderConfig, ProviderEvent } from '../providers/types.ts';

const MAX_RETRIES = 2;
const BASE_DELAY_MS = 250;
/** A retry-after longer than this is not waited out: the next fallback (or the error) is better. */
const MAX_WAIT_MS = 10_000;

export type Candidate = { model: ModelInfo; adapter: ProviderAdapter; config: ProviderConfig };
export type AttemptEvent = { type: 'attempt'; model: ModelInfo; attempt: number };
type ErrorEvent = Extract<ProviderEvent, { type: 'error' }>;

export type RetryPolicy = { sleep: (ms: number, signal: AbortSignal) => Promise<void>; random: () => number };
const defaultPolicy: RetryPolicy = { sleep: abortableSleep, random: Math.random };

export async function* streamWithFallbacks(
  candidates: Candidate[],
  request: Omit<ChatRequest, 'model'>,
  policy: RetryPolicy = defaultPolicy,
): AsyncGenerator<ProviderEvent | AttemptEvent> {
  let lastFailure: ErrorEvent | undefined;
  for (const { model, adapter, config } of candidates) {
    for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
      yield { type: 'attempt', model, attempt };
      let failure: ErrorEvent | undefined;
      let sentText = false;
      const maxOutputTokens = Math.min(request.maxOutputTokens, model.maxOutputTokens);
      for await (const event of adapter.stream({ ...request, maxOutputTokens, model: model.vendorModel }, config)) {
        if (event.type === 'error') {
          failure = event;
          break;
        }
        if (event.type === 'text' || event.type === 'tool_call') sentText = true;
        yield event;
      }
      if (!failure || request.signal.aborted) return;
      if (sentText) {
        yield failure;
        return;
      }
      lastFailure = failure;
      if (!failure.retryable) break;
      if (attempt === MAX_RETRIES) break;
      const delay = failure.retryAfterMs ?? backoff(attempt, policy.random);
      if (delay > MAX_WAIT_MS) break;
      await policy.sleep(delay, request.signal);
      if (request.signal.aborted) return;
    }
    // Request problems (bad input, too long) would fail on every model alike.
    if (lastFailure && (lastFailure.code === 'bad_request' || lastFailure.code === 'context_length')) break;
  }
  if (lastFailure) yield lastFailure;
}

/** Exponential backoff with jitter: between half and all of 250 ms, then 500 ms, … */
export function backoff(attempt: number, random: () => number) {
  const ceiling = BASE_DELAY_MS * 2 ** attempt;
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function abortableSleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
