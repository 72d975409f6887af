// Gemini API (Google AI, not Vertex) as @google/genai reads it:
// `POST /{v1beta|v1}/models/{model}:streamGenerateContent?alt=sse` (unnamed `data:` events, each a
// whole GenerateContentResponse with interim usage) and `:generateContent`; key in
// `x-goog-api-key` (or `?key=`); errors `{"error":{code,message,status}}` as application/json,
// which the SDK turns into `ApiError` with `.status`. Function calling and JSON mode: gemini-tools.ts;
// images: gemini-images.ts.
import type { IncomingHttpHeaders } from 'node:http';
import { imageStandIn, readImages } from './gemini-images.ts';
import { type Content, type GeminiToolsBody, readTools } from './gemini-tools.ts';
import { imagesText } from './image-reply.ts';
import { documentTokens, filesReply, geminiDocuments, refused } from './documents.ts';
import { estimateTokens } from './reply.ts';
import { sampling } from './sampling.ts';
import type { ChatRequest, ErrorReply, Finish, ReplyIds, Route, StreamWriter, Usage, Vendor } from './types.ts';

type Known = { status: string; message: string };

const STATUSES: Record<number, Known> = {
  400: { status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument (injected by the fake upstream).' },
  401: {
    status: 'UNAUTHENTICATED',
    message: 'Request had invalid authentication credentials (injected by the fake upstream).',
  },
  403: { status: 'PERMISSION_DENIED', message: 'The caller does not have permission (injected by the fake upstream).' },
  404: { status: 'NOT_FOUND', message: 'Requested entity was not found.' },
  429: {
    status: 'RESOURCE_EXHAUSTED',
    message: 'Resource has been exhausted (e.g. check quota) (injected by the fake upstream).',
  },
  500: { status: 'INTERNAL', message: 'An internal error has occurred (injected by the fake upstream).' },
  503: {
    status: 'UNAVAILABLE',
    message: 'The model is overloaded. Please try again later (injected by the fake upstream).',
  },
  504: { status: 'DEADLINE_EXCEEDED', message: 'Deadline expired before operation could complete.' },
};

const FINISH_REASONS = { end: 'STOP', max_tokens: 'MAX_TOKENS', stop_sequence: 'STOP' } as const;

// The model and method are one path segment: `models/gemini-2.5-flash:streamGenerateContent`.
const CHAT_PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

function textOf(content: Content | undefined): string {
  return (content?.parts ?? []).map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/** What a content says, function calls and responses included (as their JSON), for the token estimate. */
function promptOf(content: Content): string {
  const calls = (content.parts ?? []).flatMap((part) => part?.functionCall ?? part?.functionResponse ?? []);
  return [textOf(content), ...calls.map((call) => JSON.stringify(call))].filter(Boolean).join('\n');
}

/** A reply's parts: its text, or the calls the fake model makes instead. */
function partsOf(request: ChatRequest, text: string) {
  return request.toolCalls?.length
    ? request.toolCalls.map((call) => ({ functionCall: { name: call.name, args: call.arguments } }))
    : [{ text }];
}

/** Calls are output too: counted as their JSON, since no text token stands for them. */
function outputTokens(request: ChatRequest, usage: Usage): number {
  return request.toolCalls?.length ? estimateTokens(JSON.stringify(partsOf(request, ''))) : usage.outputTokens;
}

function usageJson(usage: Usage) {
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.inputTokens }],
  };
}

function errorBody(status: number, message?: string, retryAfterSeconds?: number) {
  const known = STATUSES[status] ?? (STATUSES[status >= 500 ? 500 : 400] as Known);
  const details =
    retryAfterSeconds !== undefined || status === 429
      ? { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds ?? 1}s` }] }
      : {};
  return { error: { code: status, message: message ?? known.message, status: known.status, ...details } };
}

function response(request: ChatRequest, ids: ReplyIds, parts: object[], usageMetadata: object, finishReason?: string) {
  return {
    candidates: [{ content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 }],
    usageMetadata,
    modelVersion: request.model,
    responseId: ids.messageId,
  };
}

export const gemini: Vendor = {
  name: 'gemini',

  route(method, path): Route | null {
    const match = method === 'POST' ? CHAT_PATH.exec(path) : null;
    return match
      ? { kind: 'chat', model: decodeURIComponent(match[2] ?? ''), stream: match[3] === 'streamGenerateContent' }
      : null;
  },

  hasApiKey(headers: IncomingHttpHeaders, query: URLSearchParams) {
    const key = headers['x-goog-api-key'];
    return (typeof key === 'string' && key !== '') || !!query.get('key');
  },

  parseChat(body, route, bodyBytes) {
    const b = body as GeminiToolsBody & {
      contents?: unknown;
      systemInstruction?: Content;
      generationConfig?: { temperature?: unknown; topP?: unknown; stopSequences?: unknown; maxOutputTokens?: unknown };
    };
    if (!Array.isArray(b?.contents) || b.contents.length === 0)
      return '* GenerateContentRequest.contents: contents is not specified';
    const contents = b.contents as Content[];
    const config = b.generationConfig ?? {};
    const system = textOf(b.systemInstruction);
    // Directives live in the last user text: a turn of function responses has none, the prompt before it does.
    const lastUserText = textOf(contents.findLast((c) => (c.role === 'user' || c.role === undefined) && textOf(c)));
    const images = readImages(contents);
    if (typeof images === 'string') return images;
    const documents = geminiDocuments(contents, bodyBytes);
    if (refused(documents)) return documents;
    const tools = readTools(b, contents, lastUserText);
    if (typeof tools === 'string') return tools;
    // The model says what images it sees, unless it calls a tool or answers results or JSON instead.
    const sees = !tools.toolCalls && tools.replyText === undefined;
    const filesText = sees
      ? filesReply(images.seen.length > 0 ? imagesText(images.seen) : undefined, documents.lastUser)
      : undefined;
    return {
      model: route.model ?? '',
      stream: route.stream ?? false,
      sampling: sampling({
        temperature: config.temperature,
        topP: config.topP,
        stop: config.stopSequences,
        maxTokens: config.maxOutputTokens,
      }),
      lastUserText,
      promptText:
        [system, ...(b.tools ? [JSON.stringify(b.tools)] : []), ...contents.map(promptOf)].filter(Boolean).join('\n') +
        imageStandIn(images),
      messageCount: contents.length,
      hasSystem: system !== '',
      includeUsage: true,
      ...tools,
      ...(filesText ? { replyText: filesText } : {}),
      ...(documents.all.length
        ? { documents: documents.all, documentTokens: documentTokens('gemini', documents) }
        : {}),
    };
  },

  // Google sends no Retry-After header; the delay travels in the body as google.rpc.RetryInfo.
  error(status, message, retryAfterSeconds): ErrorReply {
    return { status, headers: {}, body: errorBody(status, message, retryAfterSeconds) };
  },

  // What generativelanguage.googleapis.com answers when no key is sent at all.
  missingKey(): ErrorReply {
    const message =
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
    return { status: 403, headers: {}, body: { error: { code: 403, message, status: 'PERMISSION_DENIED' } } };
  },

  headers(ids: ReplyIds) {
    return { 'x-goog-request-id': ids.requestId, server: 'scaffolding on HTTPServer2' };
  },

  // Interim chunks are shaped like the API reference's streaming example: their usageMetadata has
  // only promptTokenCount. The reference elides the last chunk; it carries the finish reason and the
  // counts the candidates used, with an empty text part, as live streams do.
  streamWriter(request, ids): StreamWriter {
    const data = (payload: unknown) => `data: ${JSON.stringify(payload)}\r\n\r\n`;
    return {
      open: () => '',
      delta: (text, usage) => data(response(request, ids, [{ text }], { promptTokenCount: usage.inputTokens })),
      // A reply of calls is this one chunk: Gemini sends each call whole, with finishReason STOP.
      close: (finish: Finish) => {
        const { inputTokens } = finish.usage;
        const output = outputTokens(request, finish.usage);
        const counts = {
          promptTokenCount: inputTokens,
          candidatesTokenCount: output,
          totalTokenCount: inputTokens + output,
        };
        return data(response(request, ids, partsOf(request, ''), counts, FINISH_REASONS[finish.stop]));
      },
      error: (status, message) => data(errorBody(status, message)),
    };
  },

  completion(request, finish, ids) {
    const usage = { ...finish.usage, outputTokens: outputTokens(request, finish.usage) };
    return response(request, ids, partsOf(request, finish.text), usageJson(usage), FINISH_REASONS[finish.stop]);
  },
};
