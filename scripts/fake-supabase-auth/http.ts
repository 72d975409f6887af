// What sits around GoTrue's handlers: CORS as GoTrue configures rs/cors (the Origin echoed, with
// credentials), the gateway's `apikey` check, and reading and writing JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, errorReply, GatewayError } from './errors.ts';

const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
// GoTrue's list (api.go) plus the gateway's `apikey`.
const ALLOWED_HEADERS = [
  'accept',
  'apikey',
  'authorization',
  'content-type',
  'x-client-ip',
  'x-client-info',
  'x-jwt-aud',
  'x-use-cookie',
  'x-supabase-api-version',
];
const EXPOSED_HEADERS = 'X-Total-Count, Link, X-Supabase-Api-Version';

/** CORS headers for an actual (non-preflight) response to a browser on another origin. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  };
}

/** Answers a preflight: allowed only when the method and every requested header are, as rs/cors decides. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  const method = String(req.headers['access-control-request-method'] ?? '').toUpperCase();
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const headers: Record<string, string> = {
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
  if (origin && ALLOWED_METHODS.includes(method) && requested.every((name) => ALLOWED_HEADERS.includes(name))) {
    Object.assign(headers, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': method,
      'access-control-allow-credentials': 'true',
    });
    if (requested.length) headers['access-control-allow-headers'] = requested.join(', ');
  }
  res.writeHead(204, headers).end();
}

/** The gateway lets only requests carrying one of the project's API keys through to GoTrue. */
export function requireApiKey(req: IncomingMessage, url: URL, keys: string[]): void {
  const header = req.headers.apikey;
  const key = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('apikey');
  if (!key)
    throw new GatewayError(401, 'No API key found in request', 'No `apikey` request header or url param was found.');
  if (!keys.includes(key))
    throw new GatewayError(401, 'Invalid API key', 'Double check your Supabase `anon` or `service_role` API key.');
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new SyntaxError('cannot unmarshal into a struct');
    return value as Record<string, unknown>;
  } catch (error) {
    throw badRequest(
      'bad_json',
      `Could not parse request body as JSON: ${text ? (error as Error).message : 'unexpected end of JSON input'}`,
    );
  }
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...corsHeaders(req),
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const reply = errorReply(error, req);
  sendJson(req, res, reply.status, reply.body, reply.headers);
}

/** A string field of a JSON body, '' when absent (Go's zero value). */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}
