// The one interface every vendor adapter implements. Parley speaks this; each adapter translates
// to and from its vendor's SDK, and nothing vendor-specific leaks past it.

export type ProviderId = 'anthropic' | 'openai' | 'google' | 'openai-compat';

export type ChatMessage = { role: 'user' | 'assistant'; content: string };

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'content_filter' | 'tool_use' | 'other';

/** Normalised vendor failures; `retryable` ones may be retried before the first token. */
export type ProviderErrorCode = 'auth' | 'rate_limited' | 'overloaded' | 'context_length' | 'bad_request' | 'upstream';

export type ProviderEvent =
  | { type: 'text'; text: string }
  /**
   * Totals for the whole reply so far; a later usage event replaces an earlier one. `inputTokens`
   * counts every prompt token, cached ones included (Anthropic reports cache reads and writes
   * apart; the adapter adds them); `cachedTokens` is the part of it read from the vendor's cache.
   */
  | { type: 'usage'; inputTokens: number; outputTokens: number; cachedTokens: number }
  | { type: 'done'; stopReason: StopReason }
  | {
      type: 'error';
      code: ProviderErrorCode;
      message: string;
      retryable: boolean;
      /** From the vendor's retry-after header, when it sent one. */
      retryAfterMs?: number;
      status?: number;
    };

export type ProviderConfig = { apiKey: string; baseURL?: string };

/** Sampling the caller asked for; absent fields are left to the vendor's defaults. */
export type Sampling = { temperature?: number; topP?: number; stop?: string[] };

export type ChatRequest = {
  /** The vendor's own model name, e.g. `claude-sonnet-5-5`. */
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  sampling?: Sampling;
  /** Aborting it must abort the vendor HTTP request. */
  signal: AbortSignal;
};

export interface ProviderAdapter {
  readonly id: ProviderId;
  /**
   * Streams one reply. Yields text deltas, usage, and finally `done`, or an `error` event and
   * nothing after it. Never throws for vendor or network failures. When `signal` aborts, the
   * vendor request is aborted and the stream ends without `done`.
   */
  stream(request: ChatRequest, config: ProviderConfig): AsyncIterable<ProviderEvent>;
}
