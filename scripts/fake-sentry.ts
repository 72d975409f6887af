// A fake Sentry ingest for tests: the envelope endpoint as Sentry's developer documentation
// describes it (develop.sentry.dev, "Envelopes"). Nothing is forwarded; every accepted envelope is
// recorded, with its raw text, so a test can search all of it for what must never be sent.
//
//   POST /api/<project_id>/envelope/   auth by the DSN's public key: `?sentry_key=` (what the
//                                      JavaScript SDK sends), an `X-Sentry-Auth: Sentry sentry_key=…`
//                                      header, or the envelope header's `dsn`; body gzip, deflate or
//                                      plain -> 200 {"id": <event_id>}; 401/403 {"detail"} on bad auth,
//                                      400 {"detail"} on a malformed envelope, 404 for another project
//   GET  /__control/envelopes          the recorded envelopes, oldest first
//   DELETE /__control/envelopes        forgets them
//
// An envelope is newline-separated: a JSON header, then per item a JSON item header and its
// payload, which is `length` bytes when the item header says so and else runs to the next newline.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export type EnvelopeItem = { header: Record<string, unknown>; payload: unknown };
export type RecordedEnvelope = {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** The envelope as received (decompressed): what a test searches for secrets. */
  raw: string;
};

const NEWLINE = 0x0a;

/** Parses an envelope per the documented format; throws with a reason if it is malformed. */
export function parseEnvelope(body: Buffer): Omit<RecordedEnvelope, 'raw'> {
  let at = 0;
  const line = () => {
    const end = body.indexOf(NEWLINE, at);
    const text = body.subarray(at, end === -1 ? body.length : end).toString('utf8');
    at = end === -1 ? body.length : end + 1;
    return text;
  };
  const header = JSON.parse(line()) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (at < body.length) {
    const headerLine = line();
    if (headerLine.trim() === '') continue;
    const itemHeader = JSON.parse(headerLine) as Record<string, unknown>;
    if (typeof itemHeader.type !== 'string') throw new Error('item header without a type');
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      if (at + itemHeader.length > body.length) throw new Error('item shorter than its length');
      payload = body.subarray(at, at + itemHeader.length);
      at += itemHeader.length;
      if (body[at] === NEWLINE) at++;
    } else {
      payload = Buffer.from(line(), 'utf8');
    }
    const text = payload.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // attachments and other binary items stay as text
    }
    items.push({ header: itemHeader, payload: parsed });
  }
  return { header, items };
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  return body;
}

/** The public key the request authenticates with, from wherever the protocol allows it. */
function presentedKey(req: IncomingMessage, url: URL, header: Record<string, unknown> | undefined) {
  const fromQuery = url.searchParams.get('sentry_key');
  if (fromQuery) return fromQuery;
  const auth = req.headers['x-sentry-auth'];
  const fromHeader = typeof auth === 'string' ? /sentry_key=([^,\s]+)/.exec(auth)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  if (typeof header?.dsn === 'string') {
    try {
      return new URL(header.dsn).username || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the fake on 127.0.0.1; `dsn` is what a Worker's SENTRY_DSN should be set to. */
export async function startFakeSentry(options: { port?: number; projectId?: string; publicKey?: string } = {}) {
  const projectId = options.projectId ?? '4242';
  const publicKey = options.publicKey ?? 'fakepublickey0123456789abcdef000';
  const envelopes: RecordedEnvelope[] = [];

  async function ingest(req: IncomingMessage, res: ServerResponse, url: URL) {
    let body: Buffer;
    try {
      body = decode(await readRaw(req), req.headers['content-encoding']?.toLowerCase());
    } catch {
      return send(res, 400, { detail: 'invalid compression' });
    }
    let envelope: Omit<RecordedEnvelope, 'raw'>;
    try {
      envelope = parseEnvelope(body);
    } catch (error) {
      return send(res, 400, { detail: `invalid envelope: ${(error as Error).message}` });
    }
    const key = presentedKey(req, url, envelope.header);
    if (!key) return send(res, 401, { detail: 'missing authorization information' });
    if (key !== publicKey) return send(res, 403, { detail: 'invalid api key' });
    envelopes.push({ ...envelope, raw: body.toString('utf8') });
    const id =
      typeof envelope.header.event_id === 'string' ? envelope.header.event_id : randomUUID().replaceAll('-', '');
    send(res, 200, { id });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-sentry');
    const route = /^\/api\/([^/]+)\/envelope\/?$/.exec(url.pathname);
    if (route && req.method === 'POST') {
      if (route[1] !== projectId) return send(res, 404, { detail: 'project not found' });
      ingest(req, res, url).catch(() => send(res, 500, { detail: 'internal error' }));
      return;
    }
    if (url.pathname === '/__control/envelopes' && req.method === 'GET') return send(res, 200, envelopes);
    if (url.pathname === '/__control/envelopes' && req.method === 'DELETE') {
      envelopes.length = 0;
      return send(res, 200, { ok: true });
    }
    send(res, 404, { detail: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dsn: `http://${publicKey}@127.0.0.1:${port}/${projectId}`,
    envelopes: () => [...envelopes],
    /** The payloads of the recorded `event` items (errors), oldest first. */
    events: () => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.payload)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
