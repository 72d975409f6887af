// Anthropic Messages API through @anthropic-ai/sdk, streamed as raw events (`create({stream: true})`
// rather than the MessageStream helper: fewer bytes, and Parley needs only text, tool calls, usage
// and stop), or one whole message when the caller wants it whole. The request's params are built
// in anthropic-request.ts.
// The resource-less base client plus the one resource Parley calls: the full client wires up
// every API (files, models, batches, beta…) and costs the Worker bundle for nothing.
import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { APIConnectionError, APIError } from '@anthropic-ai/sdk/error';
import { Messages } from '@anthropic-ai/sdk/resources/messages';
import type {
  Message,
  MessageDeltaUsage,
  StopReason as AnthropicStopReason,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import { messageParams, UnsendableRequest } from './anthropic-request.ts';
import { codeForStatus, guardStream, providerError, retryAfterMs, type ProviderError } from './errors.ts';
import type {
  ChatRequest,
  ProviderAdapter,
  ProviderConfig,
  ProviderErrorCode,
  ProviderEvent,
  StopReason,
} from './types.ts';
import { anyCounts, foldCounts } from './usage.ts';
import { cachedClient, currentFetch } from './clients.ts';

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
 * The client for this configuration (cached: see clients.ts). The SDK sends `apiKey` as `Authorization: Bearer`; the public API
 * authenticates API keys by `x-api-key`, so the key goes there and the bearer header is dropped.
 * Explicit values everywhere keep the SDK from reading ANTHROPIC_* from process.env, which
 * workerd fills from the Worker's bindings. Parley retries itself, only before the first token.
 */
function anthropicApi(config: ProviderConfig): { client: BaseAnthropic; messages: Messages } {
  return cachedClient(`anthropic\n${config.apiKey}\n${config.baseURL ?? ''}`, () => {
    const client = new BaseAnthropic({
      apiKey: config.apiKey,
      baseURL: config.baseURL || DEFAULT_BASE_URL,
      webhookKey: null,
      maxRetries: 0,
      fetch: currentFetch,
      defaultHeaders: { 'x-api-key': config.apiKey, authorization: null },
    });
    return { client, messages: new Messages(client) };
  });
}

/**
 * Whether a reply of up to `maxTokens` may be asked for unstreamed. Anthropic advises streaming any
 * request that may take longer than ten minutes, and the SDK refuses such a request unstreamed (it
 * reckons 128,000 tokens an hour, so anything above 21,333 tokens): its own rule decides.
 */
function mayAskWhole(client: BaseAnthropic, maxTokens: number): boolean {
  try {
    client.calculateNonstreamingTimeout(maxTokens);
    return true;
  } catch {
    return false;
  }
}

type Counts = Partial<Record<keyof ReturnType<typeof reported>, number>>;

/**
 * The counts one usage object carries. The documented stream leaves out whatever has not changed
 * (its message_delta has only `output_tokens`) and its extended-thinking example has no `usage` at
 * all, whatever the SDK types say; foldCounts keeps the earlier value of anything missing.
 */
function reported(usage: Usage | MessageDeltaUsage | null | undefined) {
  return {
    input: usage?.input_tokens,
    cacheWrite: usage?.cache_creation_input_tokens,
    cacheRead: usage?.cache_read_input_tokens,
    output: usage?.output_tokens,
  };
}

/** Prompt tokens in Parley's sense are all of them: Anthropic reports cache reads and writes apart. */
function usageEvent(counts: Counts): ProviderEvent {
  const cacheRead = counts.cacheRead ?? 0;
  return {
    type: 'usage',
    inputTokens: (counts.input ?? 0) + (counts.cacheWrite ?? 0) + cacheRead,
    outputTokens: counts.output ?? 0,
    cachedTokens: cacheRead,
  };
}

function classify(error: unknown): ProviderError | undefined {
  if (error instanceof UnsendableRequest) return providerError('bad_request', error.message);
  if (!(error instanceof APIError) || error instanceof APIConnectionError) return undefined;
  const status = error.status;
  const detail = error.apiMessage ?? error.message;
  let code = (error.type ? ERROR_TYPES[error.type] : undefined) ?? (status ? codeForStatus(status) : 'upstream');
  if (/prompt is too long/i.test(detail)) code = 'context_length';
  const where = status ? `${status}` : 'mid-stream';
  return providerError(code, `Anthropic ${where} ${error.type ?? 'error'}: ${detail}`, {
    status,
    retryAfterMs: retryAfterMs(error.headers),
  });
}

/** A whole message's events: its text, its tool calls in order, its usage and its stop. */
function* messageEvents(message: Message): Generator<ProviderEvent> {
  let calls = 0;
  for (const block of message.content ?? []) {
    if (block.type === 'text' && block.text) yield { type: 'text', text: block.text };
    if (block.type === 'tool_use')
      yield {
        type: 'tool_call',
        index: calls++,
        id: block.id,
        name: block.name,
        arguments: JSON.stringify(block.input ?? {}),
      };
  }
  const counts: Counts = foldCounts({}, reported(message.usage));
  if (anyCounts(counts)) yield usageEvent(counts);
  if (message.stop_reason) yield { type: 'done', stopReason: STOP_REASONS[message.stop_reason] ?? 'other' };
}

async function* events(request: ChatRequest, config: ProviderConfig): AsyncGenerator<ProviderEvent> {
  const { client, messages } = anthropicApi(config);
  const params = messageParams(request);
  const options = { signal: request.signal };
  if (request.whole && mayAskWhole(client, params.max_tokens)) {
    yield* messageEvents(await messages.create({ ...params, stream: false }, options));
    return;
  }
  const stream = await messages.create({ ...params, stream: true }, options);
  let counts: Counts = {};
  let stopReason: StopReason | undefined;
  /** Parley's index of each tool call by Anthropic's content-block index (text blocks take indexes too). */
  const calls = new Map<number, number>();
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start':
        // The prompt count is reported here; later events repeat it only if it changed.
        counts = foldCounts(counts, reported(event.message.usage));
        if (anyCounts(counts)) yield usageEvent(counts);
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          const { id, name } = event.content_block;
          const index = calls.size;
          calls.set(event.index, index);
          yield { type: 'tool_call', index, id, name, arguments: '' };
        }
        break;
      case 'content_block_delta': {
        const { delta } = event;
        if (delta.type === 'text_delta' && delta.text) yield { type: 'text', text: delta.text };
        // The input's JSON text in pieces; a server tool's blocks (not Parley's calls) have no index here.
        const index = calls.get(event.index);
        if (delta.type === 'input_json_delta' && delta.partial_json && index !== undefined)
          yield { type: 'tool_call', index, arguments: delta.partial_json };
        break;
      }
      case 'message_delta':
        // Cumulative counts: what it carries replaces message_start's, never adds to it (issue 6).
        counts = foldCounts(counts, reported(event.usage));
        if (anyCounts(counts)) yield usageEvent(counts);
        if (event.delta.stop_reason) stopReason = STOP_REASONS[event.delta.stop_reason] ?? 'other';
        break;
    }
  }
  if (stopReason) yield { type: 'done', stopReason };
}

export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  stream: (request, config) =>
    guardStream('Anthropic', request, config.apiKey, () => events(request, config), classify),
};
