// Anthropic Messages API as @anthropic-ai/sdk 1.x reads it: `POST /v1/messages`, named SSE
// events (the SDK skips events without an `event:` line), `request-id` header, and
// `{"type":"error","error":{type,message}}` bodies. Tools and structured outputs: anthropic-tools.ts;
// images: anthropic-images.ts.
import type { IncomingHttpHeaders } from 'node:http';
import { imageProblem, imageStandIn, seenImages } from './anthropic-images.ts';
import {
  contentBlocks,
  contentEvents,
  offersTools,
  outputConfigProblem,
  type Scripted,
  scriptedReply,
  scriptedText,
  textOf,
  type ToolFields,
  toolProblem,
} from './anthropic-tools.ts';
import { imagesText } from './image-reply.ts';
import { anthropicDocuments, type DocumentsReading, documentTokens, filesReply, refused } from './documents.ts';
import { estimateTokens } from './reply.ts';
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

type Message = { role?: string; content?: unknown };

/** Requests whose reply is not the demo text (tool calls, tool answers, JSON), with what it is instead. */
const scripted = new WeakMap<ChatRequest, Scripted>();

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

/** The request's PDFs for the log and the token count, and the reply about what the model was shown. */
function reading(imagesReply: string | undefined, documents: DocumentsReading): Partial<ChatRequest> {
  const replyText = filesReply(imagesReply, documents.lastUser);
  return {
    ...(replyText ? { replyText } : {}),
    ...(documents.all.length
      ? { documents: documents.all, documentTokens: documentTokens('anthropic', documents) }
      : {}),
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

  parseChat(body, _route, bodyBytes) {
    const b = body as {
      model?: unknown;
      max_tokens?: unknown;
      messages?: unknown;
      system?: unknown;
      stream?: unknown;
      temperature?: unknown;
      top_p?: unknown;
      stop_sequences?: unknown;
      tools?: unknown;
      tool_choice?: unknown;
      output_config?: unknown;
    };
    if (typeof b?.model !== 'string' || !b.model) return 'model: Field required';
    if (typeof b.max_tokens !== 'number') return 'max_tokens: Field required';
    if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
    const messages = b.messages as Message[];
    const fields: ToolFields = { messages, tools: b.tools, tool_choice: b.tool_choice, output_config: b.output_config };
    const problem = toolProblem(fields) ?? outputConfigProblem(b.output_config) ?? imageProblem(messages);
    if (problem) return problem;
    const documents = anthropicDocuments(messages, bodyBytes);
    if (refused(documents)) return documents;
    const system = [
      textOf(b.system),
      ...messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)),
    ].filter(Boolean);
    const lastUser = messages.findLast((m) => m.role === 'user');
    const images = seenImages(messages);
    const request: ChatRequest = {
      model: b.model,
      stream: b.stream === true,
      sampling: sampling({
        temperature: b.temperature,
        topP: b.top_p,
        stop: b.stop_sequences,
        maxTokens: b.max_tokens,
      }),
      lastUserText: textOf(lastUser?.content),
      // Each image counts IMAGE_TOKENS.anthropic input tokens on top of the text.
      promptText:
        [...system, ...messages.filter((m) => m.role !== 'system').map((m) => textOf(m.content))].join('\n') +
        imageStandIn(messages),
      messageCount: messages.length,
      hasSystem: system.length > 0,
      includeUsage: true,
      offersTools: offersTools(fields),
      // A model shown images or PDFs says what it sees (unless the scripted reply below takes its place).
      ...reading(images.length > 0 ? imagesText(images) : undefined, documents),
    };
    const reply = scriptedReply(fields, request.lastUserText);
    if (reply) scripted.set(request, reply);
    return request;
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
    const script = scripted.get(request);
    if (script) return scriptedWriter(request, ids, script);
    return {
      open: (usage) =>
        messageStart(request, ids, usage) +
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
    const script = scripted.get(request);
    if (script) {
      return {
        ...messageShell(request, ids),
        content: contentBlocks(script),
        stop_reason: 'calls' in script ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: usageJson({ ...finish.usage, outputTokens: scriptedTokens(script) }),
      };
    }
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

// The prompt count is reported only here. Anthropic counts the first output token in message_start;
// message_delta later replaces it.
function messageStart(request: ChatRequest, ids: ReplyIds, usage: Usage): string {
  return event('message_start', {
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
  });
}

function scriptedTokens(script: Scripted): number {
  return Math.max(1, estimateTokens(scriptedText(script)));
}

/**
 * A reply whose content is scripted (anthropic-tools.ts). The shared flow still paces it a token
 * at a time, so drops, hangs and mid-stream failures land inside it: each token sends the next
 * event of the content, and whatever is left goes out at the end.
 */
function scriptedWriter(request: ChatRequest, ids: ReplyIds, script: Scripted): StreamWriter {
  const pending = contentEvents(script).map((data) => event(data.type, data));
  return {
    open: (usage) => messageStart(request, ids, usage) + event('ping', { type: 'ping' }),
    delta: () => pending.shift() ?? '',
    close: () =>
      pending.splice(0).join('') +
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'calls' in script ? 'tool_use' : 'end_turn', stop_sequence: null },
        usage: { output_tokens: scriptedTokens(script) },
      }) +
      event('message_stop', { type: 'message_stop' }),
    error: (status, message) => event('error', errorBody(status, message)),
  };
}
