// How vendor failures become Parley's one `error` event. Adapters only say what a vendor error
// means (classify); the status mapping, retry hints, redaction and the never-throw, quiet-on-abort
// guard live here so every vendor behaves the same.
import type { ProviderErrorCode, ProviderEvent } from './types.ts';

export type ProviderError = Extract<ProviderEvent, { type: 'error' }>;

/** Failures worth another attempt before the first token; the rest will fail the same way again. */
const RETRYABLE: ReadonlySet<ProviderErrorCode> = new Set(['rate_limited', 'overloaded', 'upstream']);

/** What an HTTP status means when the vendor's body says nothing more specific. */
export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  // 529 is Anthropic's overloaded; 503 is how OpenAI and Gemini say the same.
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 408 || status >= 500) return 'upstream';
  return 'bad_request';
}

export function providerError(
  code: ProviderErrorCode,
  message: string,
  details: { status?: number | undefined; retryAfterMs?: number | undefined } = {},
): ProviderError {
  const error: ProviderError = { type: 'error', code, message, retryable: RETRYABLE.has(code) };
  if (details.retryAfterMs !== undefined) error.retryAfterMs = details.retryAfterMs;
  if (details.status !== undefined) error.status = details.status;
  return error;
}

/** Reads `retry-after-ms`, or `retry-after` as seconds or an HTTP date, into milliseconds. */
export function retryAfterMs(headers: Headers | null | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms')?.trim();
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Math.round(Number(ms)));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (Number.isFinite(Number(value))) return Math.max(0, Math.round(Number(value) * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Runs one vendor stream under Parley's contract: it never throws, an abort ends it quietly (no
 * `error`, no `done`), any failure becomes exactly one `error` event, and a stream that ends
 * without `done` (a connection closed cleanly mid-reply) is reported as `upstream`.
 * `classify` maps the vendor SDK's API errors; anything it leaves is a network failure.
 */
export async function* guardStream(
  vendor: string,
  request: { signal: AbortSignal },
  apiKey: string,
  run: () => AsyncIterable<ProviderEvent>,
  classify: (error: unknown) => ProviderError | undefined,
): AsyncGenerator<ProviderEvent> {
  const { signal } = request;
  if (signal.aborted) return;
  let finished = false;
  try {
    for await (const event of run()) {
      // SDKs may still hand over a buffered chunk after the abort; the caller has stopped listening.
      if (signal.aborted) return;
      yield event;
      if (event.type === 'done') finished = true;
    }
    if (!finished && !signal.aborted) {
      yield providerError('upstream', `${vendor} ended the stream before the reply was complete.`);
    }
  } catch (error) {
    if (signal.aborted) return;
    const mapped =
      classify(error) ??
      providerError('upstream', `${vendor} could not be reached or dropped the connection: ${describe(error)}`);
    yield { ...mapped, message: redact(mapped.message, apiKey) };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Vendor messages can echo the key (or a URL carrying it); nothing past this point may show it. */
function redact(message: string, apiKey: string): string {
  const withoutKey = apiKey.length >= 4 ? message.replaceAll(apiKey, '[redacted]') : message;
  return withoutKey.replace(/([?&]key=)[^&\s"']+/gi, '$1[redacted]');
}
