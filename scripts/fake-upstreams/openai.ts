// OpenAI Chat Completions as the `openai` SDK reads it: `POST /chat/completions`, unnamed
// `data:` chunks ending with `data: [DONE]`, usage in a final `choices: []` chunk only when
// `stream_options.include_usage` is set, `x-request-id`, and `{"error":{message,type,param,code}}`.
// The same protocol serves any OpenAI-compatible server (`compat`), which accepts any model.
// Function calls and structured outputs are decided in openai-tools.ts, images read in
// openai-images.ts; this file frames them.
import type { IncomingHttpHeaders } from 'node:http';
import { IMAGE_TOKENS, imagesText } from './image-reply.ts';
import { readImages } from './openai-images.ts';
import { documentTokens, filesReply, openaiDocuments, refused } from './documents.ts';
import { readTools, type Scripted } from './openai-tools.ts';
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
type Message = { role?: string; content?: string | Part[] | null; tool_calls?: unknown; tool_call_id?: unknown };

/** The reply the fake writes itself for a request (a function call, JSON, an answer to results), by request. */
const SCRIPTS = new WeakMap<ChatRequest, Scripted>();

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  // Only the text parts: an image between two of them adds no line of its own.
  return content
    .flatMap((part: Part) => (part?.type === 'text' && typeof part.text === 'string' ? [part.text] : []))
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

const textMessage = (text: string | null) => ({ role: 'assistant', content: text, refusal: null, annotations: [] });

/**
 * The deltas of a reply the fake wrote itself. A call's first chunk has its id, type and name and
 * empty arguments (the first call's also the role, and content null); later chunks only the index
 * and an argument fragment, as OpenAI streams them.
 */
function scriptedDeltas(scripted: Scripted): unknown[] {
  if (scripted.kind === 'text')
    return [{ role: 'assistant', content: '' }, ...scripted.tokens.map((token) => ({ content: token }))];
  return scripted.calls.flatMap((call, index) => [
    {
      ...(index === 0 ? { role: 'assistant', content: null } : {}),
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      ...(index === 0 ? { refusal: null } : {}),
    },
    ...call.fragments.map((fragment) => ({ tool_calls: [{ index, function: { arguments: fragment } }] })),
  ]);
}

function scriptedMessage(scripted: Scripted) {
  if (scripted.kind === 'text') return textMessage(scripted.tokens.join(''));
  const tool_calls = scripted.calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return { role: 'assistant', content: null, tool_calls, refusal: null, annotations: [] };
}

function scriptedFinish(scripted: Scripted): string {
  return scripted.kind === 'calls' ? 'tool_calls' : FINISH_REASONS[scripted.stop];
}

/** The prompt as counted for the demo reply; the output as this reply's own pieces. */
function scriptedUsage(scripted: Scripted, usage: Usage): Usage {
  const pieces =
    scripted.kind === 'text'
      ? scripted.tokens.length
      : scripted.calls.reduce((sum, call) => sum + 1 + call.fragments.length, 0);
  return { inputTokens: usage.inputTokens, outputTokens: pieces };
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

    parseChat(body) {
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
        tools?: unknown;
        tool_choice?: unknown;
        parallel_tool_calls?: unknown;
        response_format?: unknown;
      };
      if (typeof b?.model !== 'string' || !b.model) return 'you must provide a model parameter';
      if (!Array.isArray(b.messages) || b.messages.length === 0) return "'messages' must contain at least one message.";
      const messages = b.messages as Message[];
      const isSystem = (m: Message) => m.role === 'system' || m.role === 'developer';
      // max_completion_tokens replaced max_tokens; when both are sent, the newer one is read.
      const limit = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : b.max_tokens;
      const request: ChatRequest = {
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
      const images = readImages(messages);
      if (typeof images === 'string') return images;
      const documents = openaiDocuments(messages);
      if (refused(documents)) return documents;
      const replyText = filesReply(
        images.lastUser.length > 0 ? imagesText(images.lastUser) : undefined,
        documents.lastUser,
      );
      if (replyText) request.replyText = replyText;
      if (images.count > 0) request.imageTokens = images.count * IMAGE_TOKENS[name];
      if (documents.all.length > 0) {
        request.documents = documents.all;
        request.documentTokens = documentTokens(name, documents);
      }
      const firstResult = messages.findLastIndex((m) => m.role !== 'tool') + 1;
      const tools = readTools(
        { ...b, messages },
        {
          vendor: name,
          sampling: request.sampling,
          lastUserText: request.lastUserText,
          promptText: request.promptText,
          toolResults: messages.slice(firstResult).map((m) => textOf(m.content)),
        },
      );
      if (typeof tools === 'string') return tools;
      if (tools.offered) request.offered = tools.offered;
      if (tools.scripted) SCRIPTS.set(request, tools.scripted);
      return request;
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
      const closing = (finishReason: string, usage: Usage) =>
        chunk([choice({}, finishReason)]) +
        (request.includeUsage ? chunk([], { usage: requiredUsageJson(usage) }) : '') +
        'data: [DONE]\n\n';
      const scripted = SCRIPTS.get(request);
      if (scripted) {
        // The shared flow paces the demo reply's tokens: each of its deltas sends the next chunk
        // of this reply instead, and the close sends whatever is left.
        const queue = scriptedDeltas(scripted).map((delta) => chunk([choice(delta)]));
        return {
          open: () => queue.shift() ?? '',
          delta: () => queue.shift() ?? '',
          close: (finish: Finish) =>
            queue.splice(0).join('') + closing(scriptedFinish(scripted), scriptedUsage(scripted, finish.usage)),
          error: (status, message) => data(errorBody(status, message)),
        };
      }
      return {
        open: () => chunk([choice({ role: 'assistant', content: '' })]),
        delta: (text) => chunk([choice({ content: text })]),
        close: (finish: Finish) => closing(FINISH_REASONS[finish.stop], finish.usage),
        error: (status, message) => data(errorBody(status, message)),
      };
    },

    completion(request, finish, ids) {
      const scripted = SCRIPTS.get(request);
      return {
        id: `chatcmpl-${ids.messageId}`,
        object: 'chat.completion',
        created: ids.created,
        model: request.model,
        choices: [
          {
            index: 0,
            message: scripted ? scriptedMessage(scripted) : textMessage(finish.text),
            logprobs: null,
            finish_reason: scripted ? scriptedFinish(scripted) : FINISH_REASONS[finish.stop],
          },
        ],
        usage: usageJson(scripted ? scriptedUsage(scripted, finish.usage) : finish.usage),
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
