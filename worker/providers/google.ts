// Gemini (Google AI API, not Vertex) through @google/genai's generateContentStream, or
// generateContent when the caller wants the reply whole. The request's contents (images fetched
// first where given by URL), tools and JSON mode are built in google-request.ts.
import {
  ApiError,
  type FunctionCall,
  type GenerateContentParameters,
  type GenerateContentResponse,
  type GenerateContentResponseUsageMetadata,
  GoogleGenAI,
} from '@google/genai';
import { cachedClient } from './clients.ts';
import { codeForStatus, guardStream, providerError, type ProviderError } from './errors.ts';
import { ImageFetchFailed } from './fetch-image.ts';
import { contents, toolAndFormatConfig, UnmappableRequest } from './google-request.ts';
import type {
  ChatRequest,
  ProviderAdapter,
  ProviderConfig,
  ProviderErrorCode,
  ProviderEvent,
  StopReason,
} from './types.ts';
import { anyCounts, foldCounts } from './usage.ts';

const STOP_REASONS: Record<string, StopReason> = {
  STOP: 'end_turn',
  MAX_TOKENS: 'max_tokens',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

// google.rpc status names, for in-stream errors and where they say more than the HTTP status.
const RPC_STATUSES: Record<string, ProviderErrorCode> = {
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'overloaded',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
};

type GoogleErrorBody = {
  error?: { code?: number; message?: string; status?: string; details?: { '@type'?: string; retryDelay?: string }[] };
};

/**
 * The client for this configuration (cached: see clients.ts). The SDK defaults to API version v1; the streaming endpoint the docs
 * and compatible servers use is v1beta. It does not retry unless `retryOptions` is set, which
 * is what Parley wants (it retries itself, only before the first token).
 */
function client(config: ProviderConfig): GoogleGenAI {
  return cachedClient(
    `google\n${config.apiKey}\n${config.baseURL ?? ''}`,
    () =>
      new GoogleGenAI({
        apiKey: config.apiKey,
        vertexai: false,
        httpOptions: { ...(config.baseURL ? { baseUrl: config.baseURL } : {}), apiVersion: 'v1beta' },
      }),
  );
}

/** ApiError carries the response body only as JSON text inside its message (after a prefix mid-stream). */
function parseBody(message: string): GoogleErrorBody {
  const start = message.indexOf('{');
  if (start === -1) return {};
  try {
    return JSON.parse(message.slice(start)) as GoogleErrorBody;
  } catch {
    return {};
  }
}

/** Google sends no Retry-After header; the delay travels in the body as google.rpc.RetryInfo. */
function retryDelayMs(body: GoogleErrorBody): number | undefined {
  const delay = body.error?.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
  const seconds = delay ? Number.parseFloat(delay) : Number.NaN;
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
}

function classify(error: unknown): ProviderError | undefined {
  if (error instanceof UnmappableRequest || error instanceof ImageFetchFailed)
    return providerError('bad_request', error.message);
  if (!(error instanceof ApiError)) return undefined;
  const body = parseBody(error.message);
  const rpcStatus = body.error?.status ?? '';
  const detail = body.error?.message ?? error.message;
  let code = RPC_STATUSES[rpcStatus] ?? codeForStatus(error.status);
  // "The input token count (…) exceeds the maximum number of tokens allowed (…)."
  if (
    rpcStatus === 'INVALID_ARGUMENT' &&
    /token count|number of tokens|too many tokens|context (window|length)/i.test(detail)
  ) {
    code = 'context_length';
  }
  return providerError(code, `Gemini ${error.status} ${rpcStatus || 'error'}: ${detail}`, {
    status: error.status,
    retryAfterMs: retryDelayMs(body),
  });
}

type Counts = Partial<Record<keyof ReturnType<typeof reported>, number>>;

/** Every count is optional: interim chunks carry only some (the documented ones only the prompt's). */
function reported(usage: GenerateContentResponseUsageMetadata) {
  return {
    prompt: usage.promptTokenCount,
    candidates: usage.candidatesTokenCount,
    thoughts: usage.thoughtsTokenCount,
    cached: usage.cachedContentTokenCount,
  };
}

function usageEvent(counts: Counts): ProviderEvent {
  return {
    type: 'usage',
    inputTokens: counts.prompt ?? 0,
    // Thinking tokens are billed as output but counted apart from the candidates.
    outputTokens: (counts.candidates ?? 0) + (counts.thoughts ?? 0),
    cachedTokens: counts.cached ?? 0,
  };
}

/**
 * Gemini sends each call whole, in one part. Its id is optional (Google's documented example has
 * none); Parley pairs each result with its call by id, so it makes one up when the call has none.
 */
function toolCallEvent(call: FunctionCall, index: number): ProviderEvent {
  return {
    type: 'tool_call',
    index,
    id: call.id || `call_${crypto.randomUUID().replaceAll('-', '')}`,
    name: call.name ?? '',
    arguments: JSON.stringify(call.args ?? {}),
  };
}

/** The vendor's reply as chunks: streamed, or the one whole response when the caller wants it whole (same shape). */
async function chunks(
  request: ChatRequest,
  config: ProviderConfig,
): Promise<AsyncIterable<GenerateContentResponse> | GenerateContentResponse[]> {
  const { models } = client(config);
  const params: GenerateContentParameters = {
    model: request.model,
    contents: await contents(request.messages, request.signal),
    config: {
      ...toolAndFormatConfig(request),
      maxOutputTokens: request.maxOutputTokens,
      abortSignal: request.signal,
      ...(request.system ? { systemInstruction: request.system } : {}),
      ...(request.sampling?.temperature !== undefined ? { temperature: request.sampling.temperature } : {}),
      ...(request.sampling?.topP !== undefined ? { topP: request.sampling.topP } : {}),
      ...(request.sampling?.stop?.length ? { stopSequences: request.sampling.stop } : {}),
    },
  };
  return request.whole ? [await models.generateContent(params)] : models.generateContentStream(params);
}

async function* events(request: ChatRequest, config: ProviderConfig): AsyncGenerator<ProviderEvent> {
  const stream = await chunks(request, config);
  // Chunks carry running counts, each only some of them: the latest value of each count is the
  // reply's. Never sum them, and never let a count a chunk leaves out fall back to 0.
  let counts: Counts = {};
  let stopReason: StopReason | undefined;
  let calls = 0;
  for await (const chunk of stream) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) yield toolCallEvent(part.functionCall, calls++);
      else if (part.text && !part.thought) yield { type: 'text', text: part.text };
    }
    if (chunk.usageMetadata) {
      const first = !anyCounts(counts);
      counts = foldCounts(counts, reported(chunk.usageMetadata));
      // The first counts give the caller the prompt size early, should the reply be cut short.
      if (first && anyCounts(counts)) yield usageEvent(counts);
    }
    if (candidate?.finishReason) stopReason = STOP_REASONS[candidate.finishReason] ?? 'other';
    // A blocked prompt gets no candidates at all, only this verdict.
    if (chunk.promptFeedback?.blockReason) stopReason = 'content_filter';
  }
  if (!stopReason) return;
  // Gemini finishes a reply of calls with STOP, as any other: the calls make it a tool_use stop.
  if (calls > 0 && stopReason === 'end_turn') stopReason = 'tool_use';
  if (anyCounts(counts)) yield usageEvent(counts);
  yield { type: 'done', stopReason };
}

export const googleAdapter: ProviderAdapter = {
  id: 'google',
  stream: (request, config) => guardStream('Gemini', request, config.apiKey, () => events(request, config), classify),
};
