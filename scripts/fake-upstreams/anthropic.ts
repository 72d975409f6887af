// Anthropic Messages API as @anthropic-ai/sdk 1.x reads it: `POST /v1/messages`, named SSE
// events (the SDK skips events without an `event:` line), `request-id` header, and
// `{"type":"error","error":{type,message}}` bodies.
import type { IncomingHttpHeaders } from 'node:http';
import { sampling } from './sampling.ts';
import type { ChatRequest, ErrorReply, Finish, ReplyIds, Route, StreamWriter, Usage, Vendor } from './types.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request (injected by the fake upstream).',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit (injected by the fake upstream).',
  api_error: 'Internal server error (injected by the fake upstream).',
  overloaded_error: 'Overloaded (injected by the fake upstream).',
};

const STOP_REASONS = { end: 'end_turn', max_tokens: 'max_tokens', stop_sequence: 'stop_sequence' } as const;

type Block = { type?: string; text?: unknown };
type Message = { role?: string; content?: string | Block[] };

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: Block) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join('\n');
}

function usageJson(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: usage.outputTokens,
    service_tier: 'standard',
  };
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function errorBody(status: number, message?: string) {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return {
    type: 'error',
    error: { type, message: message ?? MESSAGES[type] ?? 'Error (injected by the fake upstream).' },
  };
}

export const anthropic: Vendor = {
  name: 'anthropic',

  route(method, path): Route | null {
    return method === 'POST' && path === '/v1/messages' ? { kind: 'chat' } : null;
  },

  // The SDK sends `Authorization: Bearer` by default; the public API and curl use `x-api-key`.
  hasApiKey(headers: IncomingHttpHeaders) {
    const bearer = /^Bearer\s+\S/i.test(headers.authorization ?? '');
    return bearer || (typeof headers['x-api-key'] === 'string' && headers['x-api-key'] !== '');
  },

  parseChat(body): ChatRequest | string {
    const b = body as {
      model?: unknown;
      max_tokens?: unknown;
      messages?: unknown;
      system?: unknown;
      stream?: unknown;
      temperature?: unknown;
      top_p?: unknown;
      stop_sequences?: unknown;
    };
    if (typeof b?.model !== 'string' || !b.model) return 'model: Field required';
    if (typeof b.max_tokens !== 'number') return 'max_tokens: Field required';
    if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
    const messages = b.messages as Message[];
    const system = [
      textOf(b.system),
      ...messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)),
    ].filter(Boolean);
    const lastUser = messages.findLast((m) => m.role === 'user');
    return {
      model: b.model,
      stream: b.stream === true,
      sampling: sampling({
        temperature: b.temperature,
        topP: b.top_p,
        stop: b.stop_sequences,
        maxTokens: b.max_tokens,
      }),
      lastUserText: textOf(lastUser?.content),
      promptText: [...system, ...messages.filter((m) => m.role !== 'system').map((m) => textOf(m.content))].join('\n'),
      messageCount: messages.length,
      hasSystem: system.length > 0,
      includeUsage: true,
    };
  },

  error(status, message, retryAfterSeconds): ErrorReply {
    const headers: Record<string, string> = {};
    if (status === 429 || status === 529) headers['retry-after'] = String(retryAfterSeconds ?? 1);
    if (status === 429 || status >= 500) headers['x-should-retry'] = 'true';
    return { status, headers, body: errorBody(status, message) };
  },

  missingKey(): ErrorReply {
    return { status: 401, headers: {}, body: errorBody(401, 'x-api-key header is required') };
  },

  headers(ids: ReplyIds) {
    return { 'request-id': ids.requestId, 'anthropic-organization-id': 'fake-org' };
  },

  // Shaped like the documented stream (documented/anthropic.sse): whatever the docs leave out is
  // absent here too, so Parley is tested against the sparse events Anthropic says it sends.
  streamWriter(request, ids): StreamWriter {
    return {
      // The prompt count is reported only here. Anthropic counts the first output token in
      // message_start; message_delta later replaces it.
      open: (usage) =>
        event('message_start', {
          type: 'message_start',
          message: {
            id: `msg_${ids.messageId}`,
            type: 'message',
            role: 'assistant',
            content: [],
            model: request.model,
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: usage.inputTokens, output_tokens: 1 },
          },
        }) +
        event('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'text', text: '' },
        }) +
        event('ping', { type: 'ping' }),
      delta: (text) =>
        event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
      // As documented, message_delta's usage holds only the cumulative output count.
      close: (finish: Finish) =>
        event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        event('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: STOP_REASONS[finish.stop], stop_sequence: finish.stopSequence },
          usage: { output_tokens: finish.usage.outputTokens },
        }) +
        event('message_stop', { type: 'message_stop' }),
      error: (status, message) => event('error', errorBody(status, message)),
    };
  },

  completion(request, finish, ids) {
    return {
      ...messageShell(request, ids),
      content: [{ type: 'text', text: finish.text }],
      stop_reason: STOP_REASONS[finish.stop],
      stop_sequence: finish.stopSequence,
      usage: usageJson(finish.usage),
    };
  },
};

function messageShell(request: ChatRequest, ids: ReplyIds) {
  return {
    id: `msg_${ids.messageId}`,
    type: 'message',
    role: 'assistant',
    model: request.model,
    stop_details: null,
    container: null,
  };
}
