// OpenAI Chat Completions as the `openai` SDK reads it: `POST /chat/completions`, unnamed
// `data:` chunks ending with `data: [DONE]`, usage in a final `choices: []` chunk only when
// `stream_options.include_usage` is set, `x-request-id`, and `{"error":{message,type,param,code}}`.
// The same protocol serves any OpenAI-compatible server (`compat`), which accepts any model.
import type { IncomingHttpHeaders } from 'node:http';
import { sampling } from './sampling.ts';
import type {
  ChatRequest,
  ErrorReply,
  Finish,
  ReplyIds,
  Route,
  StreamWriter,
  Usage,
  Vendor,
  VendorName,
} from './types.ts';

type Known = { type: string; code: string | null; message: string };

const ERRORS: Record<number, Known> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request (injected by the fake upstream).' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: 'Incorrect API key provided (injected by the fake upstream).',
  },
  403: {
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
    message: 'Country, region, or territory not supported.',
  },
  404: {
    type: 'invalid_request_error',
    code: 'model_not_found',
    message: 'The model does not exist or you do not have access to it.',
  },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests (injected by the fake upstream).',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request (injected by the fake upstream).',
  },
  503: {
    type: 'server_error',
    code: null,
    message: 'The engine is currently overloaded, please try again later (injected by the fake upstream).',
  },
};

const FINISH_REASONS = { end: 'stop', max_tokens: 'length', stop_sequence: 'stop' } as const;

const MODELS: Record<'openai' | 'compat', string[]> = {
  openai: ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini'],
  compat: ['fake-compat-model', 'llama-3.3-70b-instruct', 'mistral-small-latest'],
};

type Part = { type?: string; text?: unknown };
type Message = { role?: string; content?: string | Part[] | null };

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: Part) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('\n');
}

function usageJson(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Only the counts CompletionUsage requires: the streamed usage chunk is not shown in the docs. */
function requiredUsageJson(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function errorBody(status: number, message?: string) {
  const known = ERRORS[status] ?? (ERRORS[status >= 500 ? 500 : 400] as Known);
  return { error: { message: message ?? known.message, type: known.type, param: null, code: known.code } };
}

function data(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function openaiProtocol(name: 'openai' | 'compat'): Vendor {
  return {
    name: name satisfies VendorName,

    route(method, path): Route | null {
      if (method === 'POST' && path === '/v1/chat/completions') return { kind: 'chat' };
      if (method === 'GET' && path === '/v1/models') return { kind: 'models' };
      return null;
    },

    hasApiKey(headers: IncomingHttpHeaders) {
      return /^Bearer\s+\S/i.test(headers.authorization ?? '');
    },

    parseChat(body): ChatRequest | string {
      const b = body as {
        model?: unknown;
        messages?: unknown;
        stream?: unknown;
        stream_options?: { include_usage?: unknown };
        max_tokens?: unknown;
        max_completion_tokens?: unknown;
        temperature?: unknown;
        top_p?: unknown;
        stop?: unknown;
      };
      if (typeof b?.model !== 'string' || !b.model) return 'you must provide a model parameter';
      if (!Array.isArray(b.messages) || b.messages.length === 0) return "'messages' must contain at least one message.";
      const messages = b.messages as Message[];
      const isSystem = (m: Message) => m.role === 'system' || m.role === 'developer';
      // max_completion_tokens replaced max_tokens; when both are sent, the newer one is read.
      const limit = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : b.max_tokens;
      return {
        model: b.model,
        stream: b.stream === true,
        sampling: sampling({
          temperature: b.temperature,
          topP: b.top_p,
          stop: typeof b.stop === 'string' ? [b.stop] : b.stop,
          maxTokens: limit,
        }),
        lastUserText: textOf(messages.findLast((m) => m.role === 'user')?.content),
        promptText: messages.map((m) => textOf(m.content)).join('\n'),
        messageCount: messages.length,
        hasSystem: messages.some(isSystem),
        includeUsage: b.stream_options?.include_usage === true,
      };
    },

    error(status, message, retryAfterSeconds): ErrorReply {
      const headers: Record<string, string> = {};
      if (status === 429 || status === 503 || retryAfterSeconds !== undefined)
        headers['retry-after'] = String(retryAfterSeconds ?? 1);
      return { status, headers, body: errorBody(status, message) };
    },

    missingKey(): ErrorReply {
      const message =
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
      return {
        status: 401,
        headers: {},
        body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
      };
    },

    headers(ids: ReplyIds) {
      return { 'x-request-id': ids.requestId, 'openai-version': '2020-10-01', 'openai-processing-ms': '1' };
    },

    // Shaped like the API reference's chunk example (documented/openai.sse), fields it leaves out
    // left out here too. With `include_usage`, every chunk has `usage: null` and one last chunk with
    // `choices: []` has the counts, as the reference describes; it shows no such chunk, so that chunk
    // holds only CompletionUsage's required counts.
    streamWriter(request, ids): StreamWriter {
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        data({
          id: `chatcmpl-${ids.messageId}`,
          object: 'chat.completion.chunk',
          created: ids.created,
          model: request.model,
          system_fingerprint: 'fp_fake',
          choices,
          ...(request.includeUsage ? { usage: null } : {}),
          ...extra,
        });
      const choice = (delta: unknown, finish: string | null = null) => ({
        index: 0,
        delta,
        logprobs: null,
        finish_reason: finish,
      });
      return {
        open: () => chunk([choice({ role: 'assistant', content: '' })]),
        delta: (text) => chunk([choice({ content: text })]),
        close: (finish: Finish) =>
          chunk([choice({}, FINISH_REASONS[finish.stop])]) +
          (request.includeUsage ? chunk([], { usage: requiredUsageJson(finish.usage) }) : '') +
          'data: [DONE]\n\n',
        error: (status, message) => data(errorBody(status, message)),
      };
    },

    completion(request, finish, ids) {
      return {
        id: `chatcmpl-${ids.messageId}`,
        object: 'chat.completion',
        created: ids.created,
        model: request.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: finish.text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: FINISH_REASONS[finish.stop],
          },
        ],
        usage: usageJson(finish.usage),
        service_tier: 'default',
        system_fingerprint: 'fp_fake',
      };
    },

    models() {
      return {
        object: 'list',
        data: MODELS[name].map((id) => ({
          id,
          object: 'model',
          created: 1_700_000_000,
          owned_by: name === 'openai' ? 'openai' : 'fake',
        })),
      };
    },
  };
}

export const openai = openaiProtocol('openai');
export const compat = openaiProtocol('compat');
