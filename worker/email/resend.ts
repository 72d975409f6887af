// Sends email through Resend's HTTP API (POST /emails), the only mail provider Parley uses.
// Wire shapes as Resend's API reference documents them: a JSON body {from, to[], subject, text,
// html}, `Authorization: Bearer <key>`, an optional `Idempotency-Key` header (Resend sends a key
// once per 24 hours); 200 `{id}` on success, `{statusCode, name, message}` on failure.

export type ResendEnv = Pick<Env, 'RESEND_API_KEY' | 'EMAIL_FROM' | 'RESEND_BASE_URL'>;

export type Email = {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Resend sends one email per key within 24 hours, so a retried request cannot send twice. */
  idempotencyKey?: string;
};

const DEFAULT_BASE_URL = 'https://api.resend.com';

/** A send Resend refused or that never reached it; `status` is 0 when there was no HTTP answer. */
export class EmailSendError extends Error {
  readonly status: number;
  /** Resend's error name (`validation_error`, `rate_limit_exceeded`, …), or `network_error`. */
  readonly code: string;
  /** From Resend's `retry-after` on a 429 (rate limited), in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'EmailSendError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Whether email can be sent at all: without RESEND_API_KEY nothing is sent. */
export function emailConfigured(env: Partial<ResendEnv>): boolean {
  return Boolean(env.RESEND_API_KEY);
}

/** Sends one email; resolves with Resend's email id, or throws an EmailSendError saying why not. */
export async function sendEmail(env: Partial<ResendEnv>, email: Email): Promise<{ id: string }> {
  if (!env.RESEND_API_KEY)
    throw new EmailSendError(0, 'not_configured', 'Email is not configured: set RESEND_API_KEY (and EMAIL_FROM)');
  if (!env.EMAIL_FROM)
    throw new EmailSendError(
      0,
      'not_configured',
      'Email is not configured: set EMAIL_FROM, e.g. "Parley <noreply@your-domain>"',
    );
  const url = `${(env.RESEND_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '')}/emails`;
  const headers: Record<string, string> = {
    authorization: `Bearer ${env.RESEND_API_KEY}`,
    'content-type': 'application/json',
  };
  if (email.idempotencyKey) headers['idempotency-key'] = email.idempotencyKey;
  const body = JSON.stringify({
    from: env.EMAIL_FROM,
    to: [email.to],
    subject: email.subject,
    text: email.text,
    html: email.html,
  });

  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body });
  } catch (error) {
    throw new EmailSendError(0, 'network_error', `Resend could not be reached at ${url}: ${String(error)}`, {
      cause: error,
    });
  }
  const raw = await res.text();
  const parsed = parseJson(raw);
  if (!res.ok) {
    const name = typeof parsed?.name === 'string' ? parsed.name : 'http_error';
    const message = typeof parsed?.message === 'string' ? parsed.message : raw.slice(0, 200) || res.statusText;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new EmailSendError(res.status, name, `Resend refused the email (${res.status} ${name}): ${message}`, {
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    });
  }
  if (typeof parsed?.id !== 'string')
    throw new EmailSendError(
      res.status,
      'invalid_response',
      `Resend answered ${res.status} without an email id: ${raw.slice(0, 200)}`,
    );
  return { id: parsed.id };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
