// A fake Resend for tests and the offline `npm start`: `POST /emails` as Resend's API reference
// documents it, mounted by the fake upstreams under `/resend` (so RESEND_BASE_URL is
// `http://127.0.0.1:PORT/resend`). Nothing is delivered; every accepted email is recorded.
//
//   POST   /emails                     Authorization: Bearer <any non-empty key>; JSON {from, to, subject,
//                                      text|html, cc?, bcc?, reply_to?, headers?, tags?}; optional
//                                      Idempotency-Key (1-256 chars; the same key and body answer the same
//                                      id without recording again, a different body is 409)
//                                      -> 200 {id}; errors as Resend sends them: {statusCode, name, message}
//   GET    /__control/emails[?to=]     the recorded emails, oldest first, optionally for one recipient
//   DELETE /__control/emails           forgets them
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './fake-upstreams/http.ts';

export type RecordedEmail = {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  idempotencyKey: string | null;
  receivedAt: string;
};

// `email@example.com` or `Name <email@example.com>`, as Resend accepts in `from` and `to`.
const ADDRESS = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;
const MAX_RECIPIENTS = 50;

type Failure = { status: number; name: string; message: string };
const fail = (status: number, name: string, message: string): Failure => ({ status, name, message });

export function createFakeResend() {
  const emails: RecordedEmail[] = [];
  const byKey = new Map<string, { body: string; id: string }>();

  function reply(res: ServerResponse, failure: Failure) {
    sendJson(res, failure.status, { statusCode: failure.status, name: failure.name, message: failure.message });
  }

  async function sendEmail(req: IncomingMessage, res: ServerResponse) {
    const auth = req.headers.authorization;
    if (!auth)
      return reply(
        res,
        fail(
          401,
          'missing_api_key',
          'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY',
        ),
      );
    const key = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!key) return reply(res, fail(403, 'invalid_api_key', 'API key is invalid'));

    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(res, fail(422, 'validation_error', 'Invalid JSON body: the request body must be a JSON object.'));
    }
    const checked = validate(body);
    if ('status' in checked) return reply(res, checked);

    const idempotencyKey = header(req, 'idempotency-key');
    if (idempotencyKey !== null) {
      if (idempotencyKey.length < 1 || idempotencyKey.length > 256)
        return reply(res, fail(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.'));
      const seen = byKey.get(idempotencyKey);
      if (seen && seen.body !== raw)
        return reply(
          res,
          fail(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.'),
        );
      if (seen) return sendJson(res, 200, { id: seen.id });
    }
    const email: RecordedEmail = { id: randomUUID(), ...checked, idempotencyKey, receivedAt: new Date().toISOString() };
    emails.push(email);
    if (idempotencyKey !== null) byKey.set(idempotencyKey, { body: raw, id: email.id });
    sendJson(res, 200, { id: email.id });
  }

  /** Handles a request whose path has had the `/resend` prefix taken off. */
  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/emails') {
      if (method === 'POST') return sendEmail(req, res);
      return reply(
        res,
        fail(405, 'method_not_allowed', `Method ${method} is not allowed on /emails in the fake Resend (only POST).`),
      );
    }
    if (path === '/__control/emails' && method === 'GET') {
      const to = query.get('to');
      return sendJson(res, 200, to ? emails.filter((e) => e.to.includes(to)) : emails);
    }
    if (path === '/__control/emails' && method === 'DELETE') {
      emails.length = 0;
      byKey.clear();
      return sendJson(res, 200, { ok: true });
    }
    reply(
      res,
      fail(
        404,
        'not_found',
        `The requested endpoint does not exist (${method} ${path} on the fake Resend: POST /emails only).`,
      ),
    );
  };
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

/** The fields Resend requires, checked as Resend checks them; the email to record, or the failure to answer. */
function validate(body: unknown): Omit<RecordedEmail, 'id' | 'idempotencyKey' | 'receivedAt'> | Failure {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return fail(422, 'validation_error', 'The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const missing = ['from', 'to', 'subject'].filter(
    (field) => b[field] === undefined || b[field] === null || b[field] === '',
  );
  if (missing.length) return fail(422, 'missing_required_field', `Missing \`${missing.join('`, `')}\` field.`);
  if (typeof b.from !== 'string' || !ADDRESS.test(b.from)) {
    return fail(
      422,
      'invalid_from_address',
      'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    );
  }
  const to = typeof b.to === 'string' ? [b.to] : b.to;
  if (
    !Array.isArray(to) ||
    to.length === 0 ||
    !to.every((a): a is string => typeof a === 'string' && ADDRESS.test(a))
  ) {
    return fail(
      422,
      'validation_error',
      'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    );
  }
  if (to.length > MAX_RECIPIENTS)
    return fail(422, 'validation_error', `Too many recipients in \`to\`: at most ${MAX_RECIPIENTS}.`);
  if (typeof b.subject !== 'string')
    return fail(422, 'validation_error', 'Invalid `subject` field: it must be a string.');
  for (const field of ['text', 'html'] as const) {
    if (b[field] !== undefined && b[field] !== null && typeof b[field] !== 'string')
      return fail(422, 'validation_error', `Invalid \`${field}\` field: it must be a string.`);
  }
  if (!b.text && !b.html)
    return fail(422, 'validation_error', 'Missing `html` or `text` field: an email needs a body.');
  return {
    from: b.from,
    to,
    subject: b.subject,
    text: (b.text as string | undefined) ?? null,
    html: (b.html as string | undefined) ?? null,
  };
}
