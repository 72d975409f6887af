// Parley's errors in OpenAI's shape, `{"error": {message, type, param, code}}`, with the statuses
// OpenAI's clients act on: quota exhaustion is 429 `insufficient_quota` (as OpenAI sends it), marked
// `x-should-retry: false` so the SDKs raise it at once instead of retrying a request that cannot pass.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError } from '../errors.ts';

export type OpenAiError = {
  status: ContentfulStatusCode;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
  headers: Record<string, string>;
};

export function openAiError(error: Pick<AppError, 'status' | 'code' | 'message' | 'param' | 'headers'>): OpenAiError {
  const shaped = (
    status: ContentfulStatusCode,
    type: string,
    code: string | null,
    headers: Record<string, string> = {},
  ): OpenAiError => ({
    status,
    body: { error: { message: error.message, type, param: error.param, code } },
    headers: { ...error.headers, ...headers },
  });
  if (error.code === 'quota_exceeded')
    return shaped(429, 'insufficient_quota', 'insufficient_quota', { 'x-should-retry': 'false' });
  if (error.status === 401) return shaped(401, 'invalid_request_error', 'invalid_api_key');
  if (error.status === 429) return shaped(429, 'requests', 'rate_limit_exceeded');
  if (error.status >= 500) return shaped(error.status, 'server_error', error.code);
  return shaped(error.status, 'invalid_request_error', error.code === 'invalid_request' ? null : error.code);
}
