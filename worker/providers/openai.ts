// OpenAI Chat Completions through the `openai` SDK's client (`chat.completions.create`), streamed,
// or whole when the caller wants it whole. One factory serves OpenAI itself and any
// OpenAI-compatible server (openai-compat.ts); the few differences are the flavour table below.
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { codeForStatus, guardStream, providerError, retryAfterMs, type ProviderError } from './errors.ts';
import type {
  ChatMessage,
  ChatRequest,
  ProviderAdapter,
  ProviderConfig,
  ProviderErrorCode,
  ProviderEvent,
  ResponseFormat,
  StopReason,
  Tools,
  UserPart,
} from './types.ts';
import { anyCounts, foldCounts } from './usage.ts';
import { cachedClient, currentFetch } from './clients.ts';

/** A request's params before it says whether it streams. */
type ChatCompletionParams = Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'stream'>;
type ToolParams = Pick<ChatCompletionParams, 'tools' | 'tool_choice' | 'parallel_tool_calls'>;
/** What Parley reads of a streamed chunk, and of a whole completion put the same way (`asChunk`). */
type ChunkReading = Pick<OpenAI.ChatCompletionChunk, 'choices' | 'usage'>;

type OpenAIFlavour = 'openai' | 'openai-compat';

const FLAVOURS: Record<
  OpenAIFlavour,
  { label: string; defaultBaseURL?: string; limitParam: 'max_completion_tokens' | 'max_tokens' }
> = {
  // OpenAI's reasoning models reject `max_tokens`; its replacement works for every current model.
  openai: { label: 'OpenAI', defaultBaseURL: 'https://api.openai.com/v1', limitParam: 'max_completion_tokens' },
  // Compatible servers (vLLM, Ollama, llama.cpp, hosted proxies) all know the original name.
  'openai-compat': { label: 'OpenAI-compatible server', limitParam: 'max_tokens' },
};

const STOP_REASONS: Record<OpenAI.ChatCompletionChunk.Choice['finish_reason'] & string, StopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  content_filter: 'content_filter',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
};

// Errors sent inside a 200 stream carry no status, only the body's type or code.
const ERROR_KINDS: Record<string, ProviderErrorCode> = {
  server_error: 'upstream',
  rate_limit_exceeded: 'rate_limited',
  requests: 'rate_limited',
  tokens: 'rate_limited',
  invalid_request_error: 'bad_request',
  invalid_api_key: 'auth',
};

/**
 * The client for this configuration (cached: see clients.ts). Every option the SDK would otherwise
 * read from process.env is given (workerd fills it from the Worker's bindings: OPENAI_ORG_ID,
 * OPENAI_PROJECT_ID or OpenAI's key must never reach a third-party server). A keyless local server
 * gets no Authorization header: the SDK wants a key, and drops the header it names as null. Parley
 * retries itself, only before the first token.
 */
function client(flavour: OpenAIFlavour, config: ProviderConfig): OpenAI {
  const baseURL = config.baseURL || FLAVOURS[flavour].defaultBaseURL;
  if (!baseURL) throw new Error(`${FLAVOURS[flavour].label}: no base URL configured`);
  return cachedClient(
    `${flavour}\n${config.apiKey}\n${baseURL}`,
    () =>
      new OpenAI({
        apiKey: config.apiKey || 'keyless',
        adminAPIKey: null,
        organization: null,
        project: null,
        webhookSecret: null,
        baseURL,
        fetch: currentFetch,
        maxRetries: 0,
        ...(config.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
      }),
  );
}

function classifier(label: string) {
  return (error: unknown): ProviderError | undefined => {
    if (error instanceof UnsendableRequest) return providerError('bad_request', error.message);
    if (!(error instanceof APIError) || error instanceof APIConnectionError) return undefined;
    const status = error.status;
    const kind = error.code ?? error.type;
    let code = status ? codeForStatus(status) : ((kind ? ERROR_KINDS[kind] : undefined) ?? 'upstream');
    if (error.code === 'context_length_exceeded' || /maximum context length/i.test(error.message))
      code = 'context_length';
    const where = status ? '' : ' mid-stream';
    return providerError(code, `${label}${where}: ${error.message}`, {
      status,
      retryAfterMs: retryAfterMs(error.headers),
    });
  };
}

/** One turn as Chat Completions spells it: tool calls ride on the assistant turn, results are `tool` turns. */
function message(flavour: OpenAIFlavour, m: ChatMessage): OpenAI.ChatCompletionMessageParam {
  switch (m.role) {
    case 'user':
      return { role: 'user', content: m.parts?.length ? m.parts.map((p) => contentPart(flavour, p)) : m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    case 'assistant':
      if (!m.toolCalls?.length) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        // A turn that only called functions has no text; the API's own replies say so with null.
        content: m.content || null,
        tool_calls: m.toolCalls.map(
          (call): OpenAI.ChatCompletionMessageFunctionToolCall => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          }),
        ),
      };
  }
}

/** A request that cannot be put in this server's terms: refused before it is called. */
class UnsendableRequest extends Error {}

/**
 * A user turn's part, in its place among the others: an image goes as `image_url`, by its https URL
 * (the vendor fetches it) or as a data URL of its bytes. `detail` is left to the API's default.
 *
 * A PDF goes as OpenAI's file inputs guide sends one to Chat Completions ("Chat Completions accepts
 * only PDF files as file content parts"): `{type: 'file', file: {filename, file_data:
 * 'data:application/pdf;base64,…'}}`. OpenAI-compatible servers document no such part (vLLM lists
 * `image_url`, `audio_url` and `video_url`; Ollama and llama.cpp images only), so a PDF is refused
 * for them rather than sent to be dropped or refused in words Parley cannot pass on.
 */
function contentPart(flavour: OpenAIFlavour, part: UserPart): OpenAI.ChatCompletionContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'document') {
    if (flavour === 'openai-compat')
      throw new UnsendableRequest(
        `${FLAVOURS[flavour].label}: PDF files cannot be sent to it (OpenAI-compatible servers document no file input); send the text instead, or choose a model that reads PDFs`,
      );
    return { type: 'file', file: { filename: part.name, file_data: `data:${part.mediaType};base64,${part.data}` } };
  }
  const { source } = part;
  const url = source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
  return { type: 'image_url', image_url: { url } };
}

/**
 * Functions the model may call. Nothing is sent without a definition: the API refuses an empty
 * `tools`, and a `tool_choice` or `parallel_tool_calls` without `tools`.
 */
function toolParams(tools: Tools | undefined): ToolParams {
  if (!tools?.definitions.length) return {};
  const { choice, parallel } = tools;
  return {
    tools: tools.definitions.map(
      (definition): OpenAI.ChatCompletionFunctionTool => ({
        type: 'function',
        function: {
          name: definition.name,
          ...(definition.description !== undefined ? { description: definition.description } : {}),
          parameters: definition.parameters,
        },
      }),
    ),
    ...(choice === undefined
      ? {}
      : { tool_choice: typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } } }),
    ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }),
  };
}

function responseFormat(format: ResponseFormat | undefined): Pick<ChatCompletionParams, 'response_format'> {
  if (!format) return {};
  if (format.type === 'json_object') return { response_format: { type: 'json_object' } };
  const { name, description, schema, strict } = format;
  return {
    response_format: {
      type: 'json_schema',
      json_schema: {
        name,
        ...(description !== undefined ? { description } : {}),
        schema,
        ...(strict !== undefined ? { strict } : {}),
      },
    },
  };
}

/** The request's params, streamed or not. */
function params(flavour: OpenAIFlavour, request: ChatRequest): ChatCompletionParams {
  const system = request.system ? [{ role: 'system' as const, content: request.system }] : [];
  return {
    model: request.model,
    messages: [...system, ...request.messages.map((m) => message(flavour, m))],
    [FLAVOURS[flavour].limitParam]: request.maxOutputTokens,
    ...(request.sampling?.temperature !== undefined ? { temperature: request.sampling.temperature } : {}),
    ...(request.sampling?.topP !== undefined ? { top_p: request.sampling.topP } : {}),
    ...(request.sampling?.stop?.length ? { stop: request.sampling.stop } : {}),
    ...toolParams(request.tools),
    ...responseFormat(request.responseFormat),
  };
}

/**
 * A whole completion as the one chunk that would carry all of it, so one reading serves both: its
 * text, its function calls indexed in order, its finish reason and its usage.
 */
function asChunk(completion: OpenAI.ChatCompletion): ChunkReading {
  const choice = completion.choices?.[0];
  const calls = (choice?.message?.tool_calls ?? []).filter((call) => call.type === 'function');
  return {
    choices: choice
      ? [
          {
            index: 0,
            finish_reason: choice.finish_reason,
            delta: {
              content: choice.message?.content ?? null,
              tool_calls: calls.map((call, index) => ({
                index,
                id: call.id,
                function: { name: call.function.name, arguments: call.function.arguments },
              })),
            },
          },
        ]
      : [],
    usage: completion.usage ?? null,
  };
}

/** The vendor's reply as chunks: streamed, or one whole completion when the caller wants it whole. */
async function chunks(
  flavour: OpenAIFlavour,
  request: ChatRequest,
  config: ProviderConfig,
): Promise<AsyncIterable<ChunkReading> | ChunkReading[]> {
  const completions = client(flavour, config).chat.completions;
  const options = { signal: request.signal };
  if (request.whole)
    return [asChunk(await completions.create({ ...params(flavour, request), stream: false }, options))];
  return completions.create(
    // Without stream_options a stream reports no usage at all; with it, usage arrives in one last chunk.
    { ...params(flavour, request), stream: true, stream_options: { include_usage: true } },
    options,
  );
}

/**
 * One `delta.tool_calls` entry as a Parley event. Only `index` is always there: the id, type and
 * name come on a call's first fragment only, and compatible servers (and OpenAI's own guide) send
 * the missing ones as null, or leave out `arguments` too.
 */
function toolCallEvent(entry: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall): ProviderEvent {
  const name = entry.function?.name;
  return {
    type: 'tool_call',
    // Required by the protocol; a server that leaves it out is sending its only call.
    index: entry.index ?? 0,
    ...(entry.id ? { id: entry.id } : {}),
    ...(name ? { name } : {}),
    arguments: entry.function?.arguments ?? '',
  };
}

async function* events(
  flavour: OpenAIFlavour,
  request: ChatRequest,
  config: ProviderConfig,
): AsyncGenerator<ProviderEvent> {
  const stream = await chunks(flavour, request, config);
  let counts: Partial<Record<'prompt' | 'completion' | 'cached', number>> = {};
  let stopReason: StopReason | undefined;
  for await (const chunk of stream) {
    // The usage chunk has `choices: []`; some compatible servers send null or leave it out instead.
    const choice = chunk.choices?.[0];
    if (choice?.delta?.content) yield { type: 'text', text: choice.delta.content };
    for (const entry of choice?.delta?.tool_calls ?? []) yield toolCallEvent(entry);
    if (choice?.finish_reason) stopReason = STOP_REASONS[choice.finish_reason] ?? 'other';
    // `usage` is null on every other chunk. Compatible servers may omit counts the SDK types call
    // required (some send only completion_tokens), so each count is read as possibly missing.
    if (chunk.usage) {
      const { prompt_tokens, completion_tokens, prompt_tokens_details } = chunk.usage;
      counts = foldCounts(counts, {
        prompt: prompt_tokens,
        completion: completion_tokens,
        cached: prompt_tokens_details?.cached_tokens,
      });
      if (anyCounts(counts))
        yield {
          type: 'usage',
          inputTokens: counts.prompt ?? 0,
          outputTokens: counts.completion ?? 0,
          cachedTokens: counts.cached ?? 0,
        };
    }
  }
  // The finish reason comes before the usage chunk, so `done` waits for the stream's end.
  if (stopReason) yield { type: 'done', stopReason };
}

/** An adapter speaking Chat Completions, for OpenAI or for any server that imitates it. */
export function createOpenAIAdapter(id: OpenAIFlavour): ProviderAdapter {
  const { label } = FLAVOURS[id];
  const classify = classifier(label);
  return {
    id,
    stream: (request, config) =>
      guardStream(label, request, config.apiKey, () => events(id, request, config), classify),
  };
}

export const openaiAdapter = createOpenAIAdapter('openai');
