// Parley's errors in Anthropic's shape, `{"type": "error", "error": {type, message}}`, with the
// statuses and types Anthropic documents (billing_error 402 for a used-up quota, overloaded_error 529
// for a busy vendor), so @anthropic-ai/sdk raises the error class its users catch.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError } from '../errors.ts';

export type AnthropicError = {
  status: ContentfulStatusCode;
  body: { type: 'error'; error: { type: string; message: string } };
  headers: Record<string, string>;
};

const TYPES: Partial<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
};

export function anthropicError(error: Pick<AppError, 'status' | 'code' | 'message' | 'headers'>): AnthropicError {
  // 529 is Anthropic's own status for an overloaded model (not in Hono's list of statuses).
  const overloaded = error.code === 'upstream_overloaded';
  const status = (overloaded ? 529 : error.status) as ContentfulStatusCode;
  const type = overloaded
    ? 'overloaded_error'
    : (TYPES[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error'));
  return { status, body: { type: 'error', error: { type, message: error.message } }, headers: error.headers };
}
