// The HTTP face of the gateway: POST /sql in Neon's protocol, JSON out, never a crash on bad input.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { executeSqlRequest } from './execute.ts';
import { parseSqlRequest, RequestError } from './request.ts';
import { isPostgresError, toNeonError } from './response.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** `latencyMs` is read per request, so a caller can change it while the server runs. */
export function createGatewayServer(pool: Pool, host: string, latencyMs: () => number = () => 0): Server {
  // On loopback, only loopback Host headers: a web page using DNS rebinding cannot reach the
  // database through a developer's browser.
  const checkHost = LOOPBACK_NAMES.has(host);
  return createServer((req, res) => {
    handle(req, res, pool, checkHost, latencyMs()).catch((error: unknown) => sendError(res, error));
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, pool: Pool, checkHost: boolean, latencyMs: number) {
  // Before anything else, and without holding a connection: concurrent requests wait side by
  // side, as they would on the way to a distant database, instead of queueing for PGlite.
  if (latencyMs > 0) await sleep(latencyMs);
  const { pathname } = new URL(req.url ?? '/', 'http://gateway');
  if (pathname !== '/sql') throw new RequestError(404, `No route ${pathname}: the gateway serves POST /sql`);
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    throw new RequestError(405, `Method ${req.method} not allowed: use POST /sql`);
  }
  if (checkHost && !isLoopbackHost(req.headers.host)) {
    throw new RequestError(403, `Host ${req.headers.host} refused: the gateway answers only on loopback`);
  }
  const request = parseSqlRequest(req.headers, await readBody(req));
  sendJson(res, 200, await executeSqlRequest(pool, request));
}

// Reads the whole body even past the limit, so the client gets the 413 rather than a reset socket.
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new RequestError(413, `Request body exceeds ${MAX_BODY_BYTES} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return true; // HTTP/1.0 clients send none; browsers always do
  return LOOPBACK_NAMES.has(hostHeader.replace(/:\d+$/, ''));
}

function sendError(res: ServerResponse, error: unknown) {
  if (error instanceof RequestError) return sendJson(res, error.status, { message: error.message });
  if (isPostgresError(error)) return sendJson(res, 400, toNeonError(error));
  console.error('db gateway: request failed:', error);
  sendJson(res, 500, { message: `Gateway error: ${(error as Error)?.message ?? String(error)}` });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
