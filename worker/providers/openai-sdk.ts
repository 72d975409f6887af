// The parts of the `openai` package (7.57.0, pinned) that Parley runs, taken module by module, and
// the one call Parley makes with them. The package's client builds all ~30 API resources in its
// constructor (client.mjs imports every one of them: about 90 KiB of gzip, which took the Worker
// over its 400 KB budget), so `new OpenAI()` cannot be tree-shaken. What runs is still OpenAI's:
// its SSE decoding and chunk iteration (Stream), its chunk normalisation, its header merging and
// platform headers, and its error classes, built as its client builds them (APIError.generate).
// The package exports core/, lib/ and version; its header and error helpers sit in internal/,
// which it does not export, hence the paths into the package for those.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai/core/error';
import { Stream } from 'openai/core/streaming';
import { normalizeChatCompletionStream } from 'openai/lib/chat-completions/streaming';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { VERSION } from 'openai/version';
import { getPlatformHeaders } from '../../node_modules/openai/internal/detect-platform.mjs';
import { castToError, isAbortError } from '../../node_modules/openai/internal/errors.mjs';
import { buildHeaders } from '../../node_modules/openai/internal/headers.mjs';
import { safeJSON } from '../../node_modules/openai/internal/utils/values.mjs';

export { APIConnectionError, APIError };
export type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming };

/** The SDK's default (OpenAI.DEFAULT_TIMEOUT): how long to wait for the response's headers. */
const TIMEOUT_MS = 600_000;

export type ChatCompletionsOptions = {
  baseURL: string;
  /** Null for a keyless server: no Authorization header at all. */
  apiKey: string | null;
  fetch: typeof fetch;
};

/**
 * `client.chat.completions.create(params, { signal })` with `stream: true` and `maxRetries: 0`,
 * as the SDK's client makes it: the same URL, headers and JSON body; the same errors for a refused
 * request (APIError.generate on the status and parsed body), a connection failure
 * (APIConnectionError), a timeout before the headers (APIConnectionTimeoutError) and an abort
 * (APIUserAbortError); and the same Stream, which aborts the request when its reader stops and
 * raises an `error` sent inside a 200 stream as an APIError without status.
 */
export class ChatCompletions {
  readonly #options: ChatCompletionsOptions;

  constructor(options: ChatCompletionsOptions) {
    this.#options = options;
  }

  async create(
    params: ChatCompletionCreateParamsStreaming,
    { signal }: { signal: AbortSignal },
  ): Promise<Stream<ChatCompletionChunk>> {
    const { baseURL, apiKey } = this.#options;
    const url = baseURL + (baseURL.endsWith('/') ? 'chat/completions' : '/chat/completions');
    const headers = buildHeaders([
      {
        Accept: 'application/json',
        'User-Agent': `OpenAI/JS ${VERSION}`,
        'X-Stainless-Retry-Count': '0',
        'X-Stainless-Timeout': String(TIMEOUT_MS / 1000),
        ...getPlatformHeaders(),
      },
      apiKey ? { Authorization: `Bearer ${apiKey}` } : undefined,
      { 'content-type': 'application/json' },
    ]).values;
    if (signal.aborted) throw userAbort(signal);

    // One signal for the request and the Stream: the caller's, or the Stream's own abort (its
    // reader stopped early), or the timeout before the headers.
    const own = new AbortController();
    const controller = { signal: AbortSignal.any([own.signal, signal]), abort: () => own.abort() } as AbortController;
    const timeout = setTimeout(() => own.abort(), TIMEOUT_MS);
    let response: Response;
    try {
      response = await this.#options.fetch.call(undefined, url, {
        method: 'POST',
        headers,
        body: JSON.stringify(params),
        signal: controller.signal,
      });
    } catch (error) {
      if (signal.aborted) throw userAbort(signal);
      const cause = castToError(error);
      if (isAbortError(cause) || /timed? ?out/i.test(String(cause) + String(cause.cause ?? '')))
        throw Object.assign(new APIConnectionTimeoutError(), { cause });
      throw new APIConnectionError({ cause });
    } finally {
      clearTimeout(timeout);
    }

    if (!response.ok) {
      const text = await response.text().catch((error) => castToError(error).message);
      const json = safeJSON(text);
      // As the client's makeStatusError: a body without an `error` envelope is taken as the error.
      const body = json && typeof json === 'object' && json.error == null ? { error: json } : json;
      throw APIError.generate(response.status, body, json ? undefined : text, response.headers);
    }
    return normalizeChatCompletionStream(Stream.fromSSEResponse(response, controller));
  }
}

function userAbort(signal: AbortSignal): APIUserAbortError {
  const error = new APIUserAbortError();
  Object.defineProperty(error, 'cause', { value: signal.reason, writable: true, configurable: true });
  return error;
}
