import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A failure the caller can act on: a stable code, an HTTP status, and words that say what to do. */
export class AppError extends Error {
  readonly code: string;
  readonly status: ContentfulStatusCode;
  readonly headers: Record<string, string>;
  /** The request field at fault, when one is (the OpenAI-compatible API reports it as `param`). */
  readonly param: string | null;
  /** Fields the envelope's `error` carries beside code and message (what a client needs to act on it). */
  readonly details: Record<string, unknown>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: {
      cause?: unknown;
      headers?: Record<string, string>;
      param?: string;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.param = options.param ?? null;
    this.details = options.details ?? {};
  }
}

/** A refusal carried as data (a Durable Object's answer, the reply pipeline's), as the error a route throws, with its Retry-After. */
export function refusalError(refusal: {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}): AppError {
  const { retryAfterSeconds } = refusal;
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  return new AppError(refusal.status, refusal.code, refusal.message, { headers });
}

export const badRequest = (message: string, code = 'invalid_request') => new AppError(400, code, message);
export const unauthorized = (message: string, cause?: unknown) => new AppError(401, 'unauthorized', message, { cause });
export const notFound = (message: string) => new AppError(404, 'not_found', message);
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message);

/** The error envelope every route returns: `{"error": {"code", "message"}}`, and any details beside them. */
export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { ...details, code, message } };
}
