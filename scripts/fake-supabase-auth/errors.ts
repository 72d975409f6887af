// Errors as Supabase sends them. GoTrue's own (internal/api/errors.go) come in two shapes chosen by
// the `X-Supabase-Api-Version` request header: without it `{code: <status>, error_code, msg}`, from
// 2024-01-01 on `{code: <error_code>, message}` (what supabase-js asks for), both with the
// `x-sb-error-code` header. The API gateway in front of GoTrue (Kong) refuses a request without a
// valid `apikey` as `{message, hint}`.
import type { IncomingMessage } from 'node:http';

const API_VERSION_HEADER = 'x-supabase-api-version';
const API_VERSION_2024 = '2024-01-01';

export type ErrorReply = { status: number; body: unknown; headers: Record<string, string> };

/** A GoTrue HTTPError: status, machine-readable code (apierrors/errorcode.go) and message. */
export class AuthApiError extends Error {
  readonly status: number;
  readonly errorCode: string;

  constructor(status: number, errorCode: string, message: string) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }
}

/** The gateway's refusal: no `apikey`, or one this project did not issue. */
export class GatewayError extends Error {
  readonly status: number;
  readonly hint: string;

  constructor(status: number, message: string, hint: string) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

export const badRequest = (code: string, message: string) => new AuthApiError(400, code, message);
export const notFound = (code: string, message: string) => new AuthApiError(404, code, message);
export const forbidden = (code: string, message: string) => new AuthApiError(403, code, message);

/** The response GoTrue (or the gateway) would send for `error`, in the shape the request asked for. */
export function errorReply(error: unknown, req: IncomingMessage): ErrorReply {
  if (error instanceof GatewayError)
    return { status: error.status, body: { message: error.message, hint: error.hint }, headers: {} };
  const known =
    error instanceof AuthApiError ? error : new AuthApiError(500, 'unexpected_failure', 'Internal Server Error');
  if (!(error instanceof AuthApiError)) console.error('fake supabase auth:', error);
  const headers: Record<string, string> = { 'x-sb-error-code': known.errorCode };
  if (wants2024Errors(req)) {
    headers[API_VERSION_HEADER] = API_VERSION_2024;
    return { status: known.status, body: { code: known.errorCode, message: known.message }, headers };
  }
  return {
    status: known.status,
    body: { code: known.status, error_code: known.errorCode, msg: known.message },
    headers,
  };
}

/** GoTrue picks the newest API version not after the header's date; only 2024-01-01 changes the shape. */
function wants2024Errors(req: IncomingMessage): boolean {
  const value = req.headers[API_VERSION_HEADER];
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
  return date !== undefined && date >= API_VERSION_2024;
}
