import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../env.ts';
import { AppError, errorBody } from '../errors.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { anthropicError } from '../anthropic-api/errors.ts';
import { openAiError } from '../openai/errors.ts';
import { stackFrames } from '../log-error.ts';
import { log } from '../log.ts';
import { reportRequestError } from '../sentry/index.ts';

/** The one place errors become responses: domain errors keep their status and code; the rest are a logged (and, with SENTRY_DSN, reported) 500. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof AppError) return render(c, error);
  if (error instanceof HTTPException && error.status < 500) {
    return render(c, new AppError(error.status as 400, httpCode(error.status), error.message || 'Bad request'));
  }
  if (isDatabaseUnavailable(error)) {
    log.error('database unavailable', { requestId: c.var.requestId, path: c.req.path }, error);
    return render(
      c,
      new AppError(
        503,
        'database_unavailable',
        'The database cannot be reached right now: try again shortly (sending and reading conversations keep working)',
      ),
    );
  }
  log.error(
    'unhandled error',
    {
      requestId: c.var.requestId,
      clientRequestId: c.var.clientRequestId,
      method: c.req.method,
      path: c.req.path,
      stack: stackFrames(error),
    },
    error,
  );
  reportRequestError(c, error);
  return render(
    c,
    new AppError(500, 'internal_error', `Something went wrong on our side (request ${c.var.requestId})`),
  );
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  render(c, new AppError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));

/** Parley's envelope; Anthropic's under /v1/messages and OpenAI's under the rest of /v1, where their clients read them. */
function render(c: Context<AppEnv>, error: AppError) {
  if (c.req.path === '/v1/messages' || c.req.path.startsWith('/v1/messages/')) {
    const shaped = anthropicError(error);
    return c.json(shaped.body, shaped.status, shaped.headers);
  }
  if (c.req.path.startsWith('/v1/')) {
    const shaped = openAiError(error);
    return c.json(shaped.body, shaped.status, shaped.headers);
  }
  return c.json(errorBody(error.code, error.message, error.details), error.status, error.headers);
}

function httpCode(status: number) {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  return 'invalid_request';
}
