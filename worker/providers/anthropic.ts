// Anthropic Messages API through @anthropic-ai/sdk, streamed as raw events (`create({stream: true})`
// rather than the MessageStream helper: fewer bytes, and Parley needs only text, usage and stop).
// The resource-less base client plus the one resource Parley calls: the full client wires up
// every API (files, models, batches, beta…) and costs the Worker bundle for nothing.
import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { APIConnectionError, APIError } from '@anthropic-ai/sdk/error';
import { Messages } from '@anthropic-ai/sdk/resources/messages';
import type { MessageDeltaUsage, StopReason as AnthropicStopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import { codeForStatus, guardStream, providerError, retryAfterMs, type ProviderError } from './errors.ts';
import type { ChatRequest, ProviderAdapter, ProviderConfig, ProviderErrorCode, ProviderEvent, StopReason } from './types.ts';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';

const STOP_REASONS: Partial<Record<AnthropicStopReason, StopReason>> = {
  end_turn: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_use',
  refusal: 'content_filter',
};

// The error `type` in the body is more precise than the status, and in-stream errors have no status.
const ERROR_TYPES: Record<string, ProviderErrorCode> = {
  authentication_error: 'auth',
  permission_error: 'auth',
  rate_limit_error: 'rate_limited',
  overloaded_error: 'overloaded',
  api_error: 'upstream',
  timeout_error: 'upstream',
  invalid_request_error: 'bad_request',
  not_found_error: 'bad_request',
  request_too_large: 'bad_request',
};

/**
 * A client for this call only. The SDK sends `apiKey` as `Authorization: Bearer`; the public API
 * authenticates API keys by `x-api-key`, so the key goes there and the bearer header is dropped.
 * Explicit values everywhere keep the SDK from reading ANTHROPIC_* from process.env, which
 * workerd fills from the Worker's bindings. Parley retries itself, only before the first token.
 */
function messagesApi(config: ProviderConfig): Messages {
  return new Messages(new BaseAnthropic({
    apiKey: config.apiKey,
    baseURL: config.baseURL || DEFAULT_BASE_URL,
    webhookKey: null,
    maxRetries: 0,
    defaultHeaders: { 'x-api-key': config.apiKey, authorization: null },
  }));
}

/** Prompt tokens in Parley's sense: all of them, cache reads and writes included. */
function inputTokens(usage: Usage | MessageDeltaUsage): number | null {
  if (usage.input_tokens === null) return null;
  return usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

function classify(error: unknown): ProviderError | undefined {
  if (!(error instanceof APIError) || error instanceof APIConnectionError) return undefined;
  const status = error.status;
  const detail = error.apiMessage ?? error.message;
  let code = (error.type ? ERROR_TYPES[error.type] : undefined) ?? (status ? codeForStatus(status) : 'upstream');
  if (/prompt is too long/i.test(detail)) code = 'context_length';
  const where = status ? `${status}` : 'mid-stream';
  return providerError(code, `Anthropic ${where} ${error.type ?? 'error'}: ${detail}`, { status, retryAfterMs: retryAfterMs(error.headers) });
}

async function* events(request: ChatRequest, config: ProviderConfig): AsyncGenerator<ProviderEvent> {
  const stream = await messagesApi(config).create(
    {
      model: request.model,
      max_tokens: request.maxOutputTokens,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(request.system ? { system: request.system } : {}),
      stream: true,
    },
    { signal: request.signal },
  );
  let usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
  let stopReason: StopReason | undefined;
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start': {
        const u = event.message.usage;
        usage = { inputTokens: inputTokens(u) ?? 0, outputTokens: u.output_tokens, cachedTokens: u.cache_read_input_tokens ?? 0 };
        yield { type: 'usage', ...usage };
        break;
      }
      case 'content_block_delta':
        if (event.delta.type === 'text_delta' && event.delta.text) yield { type: 'text', text: event.delta.text };
        break;
      case 'message_delta': {
        // Cumulative counts: they replace message_start's, never add to them.
        const u = event.usage;
        usage = {
          inputTokens: inputTokens(u) ?? usage.inputTokens,
          outputTokens: u.output_tokens,
          cachedTokens: u.cache_read_input_tokens ?? usage.cachedTokens,
        };
        yield { type: 'usage', ...usage };
        if (event.delta.stop_reason) stopReason = STOP_REASONS[event.delta.stop_reason] ?? 'other';
        break;
      }
    }
  }
  if (stopReason) yield { type: 'done', stopReason };
}

export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  stream: (request, config) => guardStream('Anthropic', request, config.apiKey, () => events(request, config), classify),
};
